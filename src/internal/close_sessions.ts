/**
 * Closing an operation's broker sessions (terminal UI, exec, log viewer)
 * before its response goes out, so everything is rendered first, without
 * letting one that hangs or throws keep the answer from being sent.
 */
import { Code, PluginError } from "../errors.ts";

/**
 * The longest the broker sessions of one operation may take to close. The UI
 * waits up to 30 s for the host to end its stream; past this the response
 * goes out anyway, with the reason.
 */
export const SESSION_CLOSE_TIMEOUT_MS = 35_000;

/**
 * Closes an operation's broker sessions (UI, exec, log viewer), each in
 * turn, whatever they throw and however long they take: the RPC's answer
 * waits for them, so they may not keep it from going out. Returns the first
 * failure as a PluginError naming the operation, or undefined.
 */
export async function closeSessions(
  closers: (() => Promise<void>)[],
  operation: string,
  timeoutMs: number = SESSION_CLOSE_TIMEOUT_MS,
): Promise<PluginError | undefined> {
  let first: unknown;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  try {
    for (const close of closers) {
      const outcome = await Promise.race([
        Promise.resolve().then(close).then(() => undefined, (err: unknown) => {
          first ??= err;
        }),
        timeout,
      ]);
      if (outcome === "timeout") {
        first ??= new Error(`they did not close within ${timeoutMs / 1000} s`);
        break;
      }
    }
  } finally {
    clearTimeout(timer);
  }
  if (first === undefined) return undefined;
  const e = PluginError.from(first);
  return new PluginError(
    `${operation} finished, but closing its sessions with the host (terminal UI, exec, logs) failed: ${e.message}`,
    Code.INTERNAL,
    { cause: first },
  );
}
