/**
 * What an operation receives: the values Waypoint supplies for it, decoded
 * and typed, plus the plugin's config and a cancellation signal.
 *
 * @module
 */
import type { Logger } from "../logger.ts";
import type { TerminalUI } from "../terminal/ui.ts";

/** The app's source: `Args.Source`. */
export interface Source {
  /** The app's name in `waypoint.hcl`. */
  app: string;
  /** The app's directory, relative to where Waypoint runs (the plugin's cwd). */
  path: string;
}

/** The job running this operation: `Args.JobInfo`. */
export interface JobInfo {
  /** Whether the job runs on the user's machine rather than a remote runner. */
  local: boolean;
  /** The workspace, e.g. `default`. */
  workspace: string;
  /** The job's id. */
  id: string;
  /** The project's name. */
  project: string;
  /** The app's name. */
  app: string;
}

/** Directories the plugin may keep files in for this app: `Args.DataDir.App`. */
export interface DataDir {
  /** For files that can be rebuilt (caches). */
  cacheDir: string;
  /** For files that must be kept. */
  dataDir: string;
}

/** The context every lifecycle operation (build, push, deploy, release …) gets. */
export interface OperationContext<C> {
  /** The decoded, validated config from the component's `use` block. */
  config: C;
  /** The terminal UI. */
  ui: TerminalUI;
  /** A logger named as the host named this operation's logger. */
  logger: Logger;
  /** The app's source. */
  source: Source;
  /** The job running the operation. */
  job: JobInfo;
  /** The app's labels. */
  labels: Record<string, string>;
  /** The app's data directories. */
  dataDir: DataDir;
  /** Aborted when the host cancels the operation; pass it to `fetch`, `Deno.Command` … */
  signal: AbortSignal;
}

/** What `configSet` gets besides the config. */
export interface ConfigContext {
  /** The plugin's logger. */
  logger: Logger;
}
