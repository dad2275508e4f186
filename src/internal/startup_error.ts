/**
 * A plugin that cannot start because of how it was started: an environment
 * variable that names a missing directory, a socket path over the OS limit,
 * a port range that is not one. `serve()` prints it as one hclog error, as
 * go-plugin prints "plugin init error", and exits.
 */
export class StartupError extends Error {
  /** The environment variable at fault. */
  readonly variable: string;
  /** Its value, as set. */
  readonly value: string;

  constructor(variable: string, value: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "StartupError";
    this.variable = variable;
    this.value = value;
  }
}

/** The message go-plugin logs when its listener cannot be made; hosts and people grep for it. */
export const INIT_ERROR_MESSAGE = "plugin init error";
