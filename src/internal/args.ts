/**
 * The standard arguments Waypoint supplies to operations, described once:
 * per `ctx` key the wire type the FuncSpec names, the adapter that makes
 * the `ctx` value from the decoded message, and the value the test host
 * (`src/testing`) sends by default. The FuncSpec (`operation.ts`), the
 * runtime context, the test host's arguments and its `CallOptions` types
 * all come from this table; the `ctx` types of `components/context.ts` are
 * checked against it below.
 */
import type {
  AnyMessage,
  DataDir,
  DeploymentConfig,
  JobInfo,
  OperationContext,
  Source,
  TaskContext,
  TaskLaunchInfo,
} from "../components/context.ts";
import type { ExecSession, LogViewer } from "../components/sessions.ts";
import {
  Args_DataDir_App,
  Args_DeploymentConfig,
  Args_ExecSessionInfo,
  Args_JobInfo,
  Args_LabelSet,
  Args_Logger,
  Args_LogViewer,
  Args_Source,
  Args_TaskLaunchInfo,
  Args_TerminalUI,
} from "../gen/wire.ts";
import type { Logger } from "../logger.ts";
import type { MessageInit, MessageType } from "../proto/runtime.ts";
import type { TerminalUI } from "../terminal/ui.ts";
import type { Broker } from "./broker.ts";
import { BrokerExecSession } from "./exec_client.ts";
import { BrokerLogViewer } from "./logs_client.ts";
import type { Secrets } from "./secrets.ts";
import { BrokerUI } from "./ui_client.ts";

/** What an adapter may use: the server's broker and secrets, the operation's logger and signal. */
export interface ArgScope {
  broker: Broker;
  logger: Logger;
  signal: AbortSignal;
  secrets: Secrets;
  /** Broker sessions to finish before the response goes out. */
  closers: (() => Promise<void>)[];
}

/** What the test host offers a default: its working directory and a way to serve a UI. */
export interface HostScope {
  /** The plugin's working directory. */
  cwd: string;
  /** Serves a recording terminal UI on a new host broker id; returns the id. */
  serveUI(): Promise<number>;
}

/**
 * One standard argument: wire message `W`, `ctx` value `V`, and `G`, what a
 * test may give instead of the test host's default.
 */
export interface StandardArg<W extends object, V, G> {
  /** The message type the FuncSpec names. */
  readonly type: MessageType<W>;
  /** How errors name it. */
  readonly what: string;
  /** The `ctx` value, from the host's message. */
  make(msg: W, scope: ArgScope): V | Promise<V>;
  /** The test host's message, from what the test gave (`undefined`: the default). */
  host?(given: G | undefined, scope: HostScope): MessageInit<W> | Promise<MessageInit<W>>;
}

/**
 * The standard arguments by `ctx` key: the wire message, the `ctx` value,
 * what a test may give. The one description of them.
 */
export interface StandardArgs {
  /** `Args.TerminalUI`: the terminal UI the host serves on a broker id. */
  ui: StandardArg<Args_TerminalUI, TerminalUI, never>;
  /** `Args.Source`: the app's name and directory. */
  source: StandardArg<Args_Source, Source, Source>;
  /** `Args.JobInfo`: the job running the operation. */
  job: StandardArg<Args_JobInfo, JobInfo, Partial<JobInfo>>;
  /** `Args.Logger`: the logger name the host gives the operation. */
  logger: StandardArg<Args_Logger, Logger, never>;
  /** `Args.LabelSet`: the app's labels. */
  labels: StandardArg<Args_LabelSet, Record<string, string>, Record<string, string>>;
  /** `Args.DataDir.App`: the app's cache and data directories. */
  dataDir: StandardArg<Args_DataDir_App, DataDir, DataDir>;
  /** `Args.DeploymentConfig`: how a deployment reaches the Waypoint server. */
  deploymentConfig: StandardArg<Args_DeploymentConfig, DeploymentConfig, Partial<DeploymentConfig>>;
  /** `Args.TaskLaunchInfo`: what an on-demand runner task runs. */
  task: StandardArg<Args_TaskLaunchInfo, TaskLaunchInfo, Partial<TaskLaunchInfo>>;
  /** `Args.ExecSessionInfo`: the user's `waypoint exec` session, served by the host. */
  exec: StandardArg<Args_ExecSessionInfo, ExecSession, never>;
  /** `Args.LogViewer`: where `waypoint logs` reads log lines from. */
  logs: StandardArg<Args_LogViewer, LogViewer, never>;
}

/** `parts` under `dir` with the platform's separator (no `node:path`: see internal/format.ts). */
function under(dir: string, ...parts: string[]): string {
  const sep = Deno.build.os === "windows" ? "\\" : "/";
  return [dir.replace(/[\\/]+$/, ""), ...parts].join(sep);
}

/** The standard arguments, by `ctx` key. */
export const STANDARD_ARGS: StandardArgs = {
  ui: {
    type: Args_TerminalUI,
    what: "terminal UI",
    make: (m, s) => {
      const ui = new BrokerUI(s.broker, m.streamId, s.secrets, s.signal);
      ui.open();
      s.closers.push(() => ui.close());
      return ui;
    },
    host: async (_given, h) => ({ streamId: await h.serveUI() }),
  },
  source: {
    type: Args_Source,
    what: "source",
    make: (m) => ({ app: m.app, path: m.path }),
    host: (given) => given ?? { app: "app", path: "." },
  },
  job: {
    type: Args_JobInfo,
    what: "job info",
    make: (m) => ({
      local: m.local,
      workspace: m.workspace,
      id: m.id,
      project: m.project,
      app: m.app,
    }),
    host: (given) => ({
      local: true,
      workspace: "default",
      id: "job-1",
      project: "project",
      app: "app",
      ...given,
    }),
  },
  logger: {
    type: Args_Logger,
    what: "logger",
    // The host's logger name is absolute (hclog's ResetNamed): replace, don't nest.
    make: (m, s) => m.name ? s.logger.resetNamed(m.name) : s.logger,
    host: () => ({ name: "waypoint.test" }),
  },
  labels: {
    type: Args_LabelSet,
    what: "labels",
    make: (m) => ({ ...m.labels }),
    host: (given) => ({ labels: given ?? {} }),
  },
  dataDir: {
    type: Args_DataDir_App,
    what: "data directory",
    make: (m) => ({ cacheDir: m.cacheDir, dataDir: m.dataDir }),
    host: (given, h) =>
      given ?? {
        cacheDir: under(h.cwd, ".waypoint", "cache"),
        dataDir: under(h.cwd, ".waypoint", "data"),
      },
  },
  deploymentConfig: {
    type: Args_DeploymentConfig,
    what: "deployment config",
    make: (m) => ({
      id: m.id,
      serverAddr: m.serverAddr,
      serverTls: m.serverTls,
      serverTlsSkipVerify: m.serverTlsSkipVerify,
      entrypointInviteToken: m.entrypointInviteToken,
      sequence: m.sequence,
    }),
    host: (given) => ({
      id: "test-1",
      sequence: 1,
      serverAddr: "localhost:9701",
      serverTls: false,
      serverTlsSkipVerify: false,
      entrypointInviteToken: "",
      ...given,
    }),
  },
  task: {
    type: Args_TaskLaunchInfo,
    what: "task launch info",
    make: (m) => ({
      ociUrl: m.ociUrl,
      environmentVariables: { ...m.environmentVariables },
      arguments: [...m.arguments],
      entrypoint: [...m.entrypoint],
    }),
    host: (given) => ({
      ociUrl: "",
      environmentVariables: {},
      arguments: [],
      entrypoint: [],
      ...given,
    }),
  },
  exec: {
    type: Args_ExecSessionInfo,
    what: "exec session",
    make: (m, s) => {
      const session = new BrokerExecSession(s.broker, m, s.signal);
      s.closers.push(() => session.close());
      return session;
    },
  },
  logs: {
    type: Args_LogViewer,
    what: "log viewer",
    make: (m, s) => {
      const viewer = new BrokerLogViewer(s.broker, m, s.signal);
      s.closers.push(() => viewer.close());
      return viewer;
    },
  },
};

/** A context key of a standard argument. */
export type StandardArgKey = keyof StandardArgs;

/** The `ctx` value of standard argument `K`. */
export type ArgValue<K extends StandardArgKey> = StandardArgs[K] extends
  StandardArg<infer _W, infer V, infer _G> ? V : never;

/** What a test may give for standard argument `K` instead of the test host's default. */
export type ArgGiven<K extends StandardArgKey> = StandardArgs[K] extends
  StandardArg<infer _W, infer _V, infer G> ? G : never;

/** The standard arguments Waypoint's core supplies to every app lifecycle operation. */
export const LIFECYCLE_ARGS: readonly ["ui", "source", "job", "logger", "labels", "dataDir"] = [
  "ui",
  "source",
  "job",
  "logger",
  "labels",
  "dataDir",
];

/**
 * The named values Waypoint passes (argmapper matches them by name,
 * lower-cased): build's bool `hasregistry`, and the registry's access info
 * as a raw Any under `access_info`.
 */
export const NAMED_ARGS: NamedArgs = {
  hasRegistry: {
    name: "hasregistry",
    kind: "bool",
    host: (o) => o.hasRegistry ?? o.accessInfo !== undefined,
  },
  accessInfo: { name: "access_info", kind: "any", host: (o) => o.accessInfo },
};

/** One named value: its name on the wire, a bool or a raw Any, and the test host's value. */
export interface NamedArg<V> {
  /** The name the host gives the value, lower case (it lower-cases names anyway). */
  readonly name: string;
  /** A primitive bool, or an Any kept raw. */
  readonly kind: "bool" | "any";
  /** The test host's value, from what the test gave. */
  host(given: HostNamed): V | undefined;
}

/** The named values, by `ctx` key. */
export interface NamedArgs {
  /** Build's `hasregistry`: whether the app has a registry. */
  hasRegistry: NamedArg<boolean>;
  /** Build's `access_info`: what the app's registry's `access` returned. */
  accessInfo: NamedArg<AnyMessage>;
}

/** A context key of a named value. */
export type NamedArgKey = keyof NamedArgs;

/** What the test host's named values are made from. */
export interface HostNamed {
  /** The named bool `hasregistry`. */
  hasRegistry?: boolean;
  /** The registry's access info. */
  accessInfo?: AnyMessage;
}

// The ctx types authors see are the table's values: a change to one side fails type checking.
type Same<A, B> = [A] extends [B] ? [B] extends [A] ? true : false : false;
type Expect<T extends true> = T;
type Lifecycle = typeof LIFECYCLE_ARGS[number];
export type _LifecycleContextMatches = Expect<
  Same<
    Pick<OperationContext<unknown>, Lifecycle>,
    { [K in Lifecycle]: ArgValue<K> }
  >
>;
export type _TaskContextMatches = Expect<Same<TaskContext<unknown>["logger"], ArgValue<"logger">>>;
