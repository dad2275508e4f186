/**
 * What an operation receives: the values Waypoint supplies for it, decoded
 * and typed, plus the plugin's config and a cancellation signal.
 *
 * @module
 */
import type { Logger } from "../logger.ts";
import type { MessageType } from "../proto/runtime.ts";
import type { TerminalUI } from "../terminal/ui.ts";
import type { Resources } from "./resources.ts";

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

/** A message the toolkit has no type for: the Any as the host sent it. */
export interface AnyMessage {
  /** `type.googleapis.com/<full name>`. */
  typeUrl: string;
  /** The encoded message. */
  value: Uint8Array;
}

/** What an input declared as `MessageType<T>` (or as a full name) arrives as. */
export type Decoded<I> = I extends MessageType<infer T> ? T : AnyMessage;

/** An input: the message type of the previous stage's output, or its full name (kept raw). */
export type InputType = MessageType<object> | string;

/** The deployment's connection to the Waypoint server: `Args.DeploymentConfig`. */
export interface DeploymentConfig {
  /** The deployment's id. */
  id: string;
  /** The server's address, for the entrypoint. */
  serverAddr: string;
  /** Whether the server uses TLS. */
  serverTls: boolean;
  /** Whether to skip verifying the server's certificate. */
  serverTlsSkipVerify: boolean;
  /** The token the entrypoint uses to join the server. */
  entrypointInviteToken: string;
  /** The deployment's sequence number. */
  sequence: number;
}

/** Context of an operation that creates resources (deploy, release). */
export interface ResourceContext<C> extends OperationContext<C> {
  /** Record the resources created. */
  resources: Resources;
}

/** The context of a task launcher operation: Waypoint supplies only a logger there. */
export interface TaskContext<C> {
  /** The decoded, validated config. */
  config: C;
  /** A logger named as the host named this operation's logger. */
  logger: Logger;
  /** Aborted when the host cancels the operation. */
  signal: AbortSignal;
}

/** What an on-demand runner task should run: `Args.TaskLaunchInfo`. */
export interface TaskLaunchInfo {
  /** The image to run, e.g. `hashicorp/waypoint-odr:latest`. */
  ociUrl: string;
  /** Environment variables for the task. */
  environmentVariables: Record<string, string>;
  /** Arguments for the entrypoint. */
  arguments: string[];
  /** The entrypoint, overriding the image's. */
  entrypoint: string[];
}
