/**
 * A test host for plugin authors: launches a plugin as a child process,
 * speaks the real protocol to it over gRPC (handshake, broker, terminal UI),
 * configures it from a plain object and runs its operations with standard
 * arguments — so a plugin can be tested without Go or Waypoint.
 *
 * It is a convenience, not a proof of compatibility: this toolkit's own
 * conformance tests drive plugins with the real Go SDK client.
 *
 * @module
 */
import type { FuncSpec, FuncSpec_Value, Struct } from "../gen/wire.ts";
import {
  awaitExit,
  type LaunchedProcess,
  type LaunchOptions,
  launchProcess,
  type LogLine,
} from "../client/launch.ts";
import { PluginClient } from "../client/plugin_client.ts";
import { RpcError } from "../client/rpc_error.ts";
import type {
  AnyMessage,
  DataDir,
  DeploymentConfig,
  JobInfo,
  Source,
  TaskLaunchInfo,
} from "../components/context.ts";
import { componentKind, type ComponentKindName } from "../components/kinds.ts";
import type { StatusReport } from "../components/status.ts";
import {
  type HostScope,
  NAMED_ARGS,
  type NamedArgKey,
  STANDARD_ARGS,
  type StandardArg,
  type StandardArgKey,
} from "../internal/args.ts";
import { decodeUseBlock } from "./hcl.ts";
import { RecordingUI, type UIEvent } from "./recording_ui.ts";
import { statusReport } from "./status_report.ts";

export type { UIEvent } from "./recording_ui.ts";
export { RpcError };
export type { LaunchOptions, LogLine };

/**
 * The components a plugin serves, by the name Waypoint dispenses.
 *
 * @example Configure every component of a plugin
 * ```ts
 * import { type ComponentName, launchPlugin } from "@x/waypoint-plugin/testing";
 * const components: ComponentName[] = ["builder", "platform", "releasemanager"];
 * Deno.test("every component takes an empty use block", async () => {
 *   await using plugin = await launchPlugin({ entry: "main.ts" });
 *   for (const c of components) await plugin.configure(c, {});
 * });
 * ```
 */
export type ComponentName = ComponentKindName;

/**
 * Values the host supplies to operations. Each has a default, the value the
 * test host sends when the test gives none.
 *
 * @example Give an operation the values Waypoint would
 * ```ts
 * import { type CallOptions, launchPlugin } from "@x/waypoint-plugin/testing";
 * const call: CallOptions = {
 *   source: { app: "web", path: "." },
 *   job: { workspace: "staging", local: false },
 *   labels: { team: "web" },
 *   deploymentConfig: { id: "d-7", sequence: 7 },
 *   signal: AbortSignal.timeout(30_000),
 * };
 * Deno.test("deploy in the staging workspace", async () => {
 *   await using plugin = await launchPlugin({ entry: "main.ts" });
 *   await plugin.configure("builder", {});
 *   await plugin.configure("platform", {});
 *   const built = await plugin.build(call);
 *   await plugin.deploy(built.result!, call);
 * });
 * ```
 */
export interface CallOptions {
  /** `Args.Source`. Default: `{ app: "app", path: "." }`. */
  source?: Source;
  /**
   * `Args.JobInfo`, field by field. Default: a local job `job-1` of app
   * `app` in project `project`, workspace `default`.
   */
  job?: Partial<JobInfo>;
  /** `Args.LabelSet`. Default: `{}`. */
  labels?: Record<string, string>;
  /** `Args.DataDir.App`. Default: `.waypoint/cache` and `.waypoint/data` in the plugin's cwd. */
  dataDir?: DataDir;
  /**
   * `Args.DeploymentConfig`, field by field. Default: id `test-1`, sequence 1,
   * server address `localhost:9701`, no TLS, no invite token.
   */
  deploymentConfig?: Partial<DeploymentConfig>;
  /**
   * `Args.TaskLaunchInfo` for task launchers, field by field. Default: no
   * image, environment, arguments or entrypoint.
   */
  task?: Partial<TaskLaunchInfo>;
  /** Messages from earlier stages, matched by type (what Waypoint passes as `artifact`, `target` …). */
  inputs?: AnyMessage[];
  /** What the app's registry returned as its access info, for a builder that asks for it. */
  accessInfo?: AnyMessage;
  /** The named bool `hasregistry` a build gets. Default: whether `accessInfo` is given. */
  hasRegistry?: boolean;
  /**
   * Cancels the operation when aborted, as Waypoint does when the user
   * interrupts it: the call is cancelled, the plugin's `ctx.signal` aborts,
   * and the call rejects with an {@linkcode RpcError} of code `CANCELLED`.
   */
  signal?: AbortSignal;
  /**
   * Announce host-served broker ids (the UI) this long after the call starts,
   * to test a plugin against a slow host; `Infinity` never announces them.
   * Default: 0 (before the call, as Waypoint usually does).
   */
  brokerDelayMs?: number;
}

/**
 * What an operation returned.
 *
 * @example Check an operation's result, template data and UI
 * ```ts
 * import assert from "node:assert";
 * import { launchPlugin, type OperationResult } from "@x/waypoint-plugin/testing";
 * Deno.test("build returns the binary's location", async () => {
 *   await using plugin = await launchPlugin({ entry: "main.ts" });
 *   await plugin.configure("builder", { source: "./app" });
 *   const r: OperationResult = await plugin.build();
 *   assert.deepEqual(r.json, { location: "./app/app" });
 *   assert.equal(r.templateData?.location, "./app/app");
 *   assert(r.ui.some((e) => e.kind === "status" && e.text === "Application built successfully"));
 * });
 * ```
 */
export interface OperationResult {
  /** The result Any, when the operation returns one. */
  result?: AnyMessage;
  /** `result_json`. */
  json?: unknown;
  /** `template_data`, decoded. */
  templateData?: Record<string, unknown>;
  /** The whole response, decoded (camelCase fields). */
  response: Record<string, unknown>;
  /** What the operation sent to the terminal UI. */
  ui: UIEvent[];
}

/**
 * What `status()` returned: the report with health and categories by name, as the plugin wrote them.
 *
 * @example Check a deployment's health
 * ```ts
 * import assert from "node:assert";
 * import { launchPlugin, type StatusResult } from "@x/waypoint-plugin/testing";
 * Deno.test("a fresh deployment is ready", async () => {
 *   await using plugin = await launchPlugin({ entry: "main.ts" });
 *   await plugin.configure("builder", {});
 *   await plugin.configure("platform", {});
 *   const deployed = await plugin.deploy((await plugin.build()).result!);
 *   const s: StatusResult = await plugin.status("platform", deployed.result!);
 *   assert.equal(s.report.health, "ready");
 *   await plugin.destroy("platform", deployed.result!);
 * });
 * ```
 */
export interface StatusResult extends OperationResult {
  /** The decoded status report. */
  report: StatusReport;
}

const decoder = new TextDecoder();

/** The standard argument a FuncSpec names by message type. */
const ARG_BY_TYPE = new Map<string, StandardArgKey>(
  (Object.keys(STANDARD_ARGS) as StandardArgKey[]).map((k) => [STANDARD_ARGS[k].type.typeName, k]),
);

/** The named value a FuncSpec names. */
const NAMED_BY_NAME = new Map<string, NamedArgKey>(
  (Object.keys(NAMED_ARGS) as NamedArgKey[]).map((k) => [NAMED_ARGS[k].name, k]),
);

function serviceOf(component: ComponentName): string {
  return `hashicorp.waypoint.sdk.${componentKind(component).service}`;
}

/**
 * A running plugin under test.
 *
 * @example Drive a plugin's lifecycle
 * ```ts
 * import assert from "node:assert";
 * import { launchPlugin, type TestPlugin } from "@x/waypoint-plugin/testing";
 * async function buildAndDeploy(plugin: TestPlugin) {
 *   await plugin.configure("builder", { source: "./app" });
 *   await plugin.configure("platform", {});
 *   const built = await plugin.build();
 *   return plugin.deploy(built.result!);
 * }
 * Deno.test("build then deploy", async () => {
 *   await using plugin = await launchPlugin({ entry: "main.ts" });
 *   const deployed = await buildAndDeploy(plugin);
 *   assert(deployed.result);
 *   const { graceful } = await plugin.close(); // Shutdown, as Waypoint ends a plugin
 *   assert(graceful);
 * });
 * ```
 */
export class TestPlugin {
  /** The plugin's process id. */
  readonly pid: number;
  /** `unix` or `tcp`. */
  readonly network: string;
  /** Where it listens. */
  readonly address: string;
  /** Everything it logged, parsed. */
  readonly logs: LogLine[] = [];
  #launched: LaunchedProcess;
  #client: PluginClient;
  #cwd: string;

  /** @internal use {@linkcode launchPlugin} */
  constructor(launched: LaunchedProcess) {
    this.#launched = launched;
    this.pid = launched.child.pid;
    this.network = launched.network;
    this.address = launched.address;
    this.logs = launched.logs;
    this.#cwd = launched.cwd;
    this.#client = new PluginClient(launched.network, launched.address);
  }

  /**
   * A unary call by service and method: the answer with every scalar field
   * set (its default when the plugin left it out), and a message field only
   * when the plugin set it. Rejects with an {@linkcode RpcError}, aborts
   * with `signal`.
   */
  call(
    service: string,
    method: string,
    request: unknown = {},
    options: { signal?: AbortSignal } = {},
  ): Promise<Record<string, unknown>> {
    return this.#client.call(service, method, request, options);
  }

  /**
   * Configures a component as Waypoint does: asks for its config struct,
   * decodes `config` (keyed by HCL names; a block is an object, repeated
   * blocks an array of objects) as gohcl would and sends the JSON Go's
   * encoder makes of it to Configure.
   *
   * Rejects with an {@linkcode HclError} in gohcl's words when the block
   * would not decode (`Missing required argument: The argument "name" is
   * required, but no definition was found.`, `Unsupported argument: An
   * argument named "foo" is not expected here.`) — also for a component
   * without a config struct given any attribute — and with an
   * {@linkcode RpcError} when the plugin rejects the values.
   */
  async configure(component: ComponentName, config: Record<string, unknown> = {}): Promise<void> {
    const service = serviceOf(component);
    const resp = await this.call(service, "ConfigStruct");
    const struct = resp.struct as Struct | undefined;
    const json = decodeUseBlock(struct, config);
    if (!struct) return; // Waypoint does not call Configure without a config struct.
    await this.call(service, "Configure", { json: new TextEncoder().encode(JSON.stringify(json)) });
  }

  /** Runs `build`. */
  build(options: CallOptions = {}): Promise<OperationResult> {
    return this.operation("builder", "BuildSpec", "Build", options);
  }

  /** Runs `push` with the build's artifact. */
  push(artifact: AnyMessage, options: CallOptions = {}): Promise<OperationResult> {
    return this.operation("registry", "PushSpec", "Push", withInput(options, artifact));
  }

  /** Runs `deploy` with the (pushed) artifact. */
  deploy(artifact: AnyMessage, options: CallOptions = {}): Promise<OperationResult> {
    return this.operation("platform", "DeploySpec", "Deploy", withInput(options, artifact));
  }

  /** Runs `release` with the deployment. */
  release(deployment: AnyMessage, options: CallOptions = {}): Promise<OperationResult> {
    return this.operation(
      "releasemanager",
      "ReleaseSpec",
      "Release",
      withInput(options, deployment),
    );
  }

  /** Runs a component's `destroy` with the deployment (platform) or release (release manager). */
  destroy(
    component: "platform" | "releasemanager",
    target: AnyMessage,
    options: CallOptions = {},
  ): Promise<OperationResult> {
    return this.operation(component, "DestroySpec", "Destroy", withInput(options, target));
  }

  /** Runs a component's `status`; `report` has health and categories by name (`"ready"`). */
  async status(
    component: "platform" | "releasemanager",
    target: AnyMessage,
    options: CallOptions = {},
  ): Promise<StatusResult> {
    const r = await this.operation(component, "StatusSpec", "Status", withInput(options, target));
    return { ...r, report: statusReport(r.response) };
  }

  /** Runs a config sourcer's `read`; the response's `values` are what it read. */
  read(options: CallOptions = {}): Promise<OperationResult> {
    return this.operation("configsourcer", "ReadSpec", "Read", options);
  }

  /** Runs any `<spec>`/`<call>` pair: the FuncSpec is answered with standard values and `inputs`. */
  async operation(
    component: ComponentName,
    specMethod: string,
    callMethod: string,
    options: CallOptions = {},
  ): Promise<OperationResult> {
    const service = serviceOf(component);
    const spec = await this.call(service, specMethod) as unknown as FuncSpec;
    const ui = new RecordingUI();
    const scope: HostScope = {
      cwd: this.#cwd,
      serveUI: () => this.#client.serve((server) => ui.register(server), options.brokerDelayMs),
    };
    const args: FuncSpec_Value[] = [];
    const missing: string[] = [];
    for (const a of spec.args) {
      const value = await supply(a, options, scope);
      if (value) args.push(value);
      else missing.push(a.type || a.name);
    }
    if (missing.length > 0) {
      throw new Error(
        `One or more required arguments for the plugin was not satisfied: ${missing.join(", ")}`,
      );
    }
    try {
      const response = await this.call(service, callMethod, { args }, { signal: options.signal });
      return result(response, ui);
    } finally {
      await this.#client.stopServers();
    }
  }

  /**
   * Shuts the plugin down as Waypoint does (close the broker, Shutdown, wait
   * up to 2 s, then kill) and returns whether it exited on its own.
   */
  async close(): Promise<{ graceful: boolean; code: number | null }> {
    await this.#client.close();
    return await awaitExit(this.#launched);
  }

  /** Closes the plugin at the end of a `using`/`await using` block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

function result(response: Record<string, unknown>, ui: RecordingUI): OperationResult {
  const r = response.result as AnyMessage | null | undefined;
  const tpl = response.templateData as Uint8Array | undefined;
  return {
    result: r ? { typeUrl: r.typeUrl, value: new Uint8Array(r.value) } : undefined,
    json: typeof response.resultJson === "string" && response.resultJson
      ? JSON.parse(response.resultJson)
      : undefined,
    templateData: tpl && tpl.length > 0 ? JSON.parse(decoder.decode(tpl)) : undefined,
    response,
    ui: ui.events,
  };
}

/** The message the test host sends for standard argument `key`, or `undefined` when it has none. */
async function standardValue(
  a: FuncSpec_Value,
  key: StandardArgKey,
  o: CallOptions,
  scope: HostScope,
): Promise<FuncSpec_Value | undefined> {
  const arg: StandardArg<object, unknown, unknown> = STANDARD_ARGS[key];
  if (!arg.host) return undefined; // exec and logs sessions: the test host serves none
  const given = (o as Partial<Record<StandardArgKey, unknown>>)[key];
  const value = arg.type.encode(await arg.host(given, scope));
  return {
    name: a.name,
    type: a.type,
    primitiveType: 0,
    protoAny: { typeUrl: arg.type.typeUrl, value },
  };
}

/** The value the test host answers FuncSpec argument `a` with, as Waypoint's core would. */
async function supply(
  a: FuncSpec_Value,
  o: CallOptions,
  scope: HostScope,
): Promise<FuncSpec_Value | undefined> {
  const key = ARG_BY_TYPE.get(a.type);
  if (key) return await standardValue(a, key, o, scope);
  const named = NAMED_BY_NAME.get(a.name);
  if (named === "hasRegistry" && a.primitiveType === 1) {
    return { ...a, bool: NAMED_ARGS.hasRegistry.host(o) };
  }
  const access = named === "accessInfo" ? NAMED_ARGS.accessInfo.host(o) : undefined;
  if (access) return { ...a, protoAny: access };
  const given = [...(o.inputs ?? []), ...(o.accessInfo ? [o.accessInfo] : [])]
    .find((i) => i.typeUrl.slice(i.typeUrl.lastIndexOf("/") + 1) === a.type);
  if (given) return { name: a.name, type: a.type, primitiveType: 0, protoAny: given };
  return undefined;
}

function withInput(o: CallOptions, input: AnyMessage): CallOptions {
  return { ...o, inputs: [input, ...(o.inputs ?? [])] };
}

/**
 * Launches a plugin and completes the handshake.
 *
 * @example Test a builder
 * ```ts ignore
 * import { launchPlugin } from "@x/waypoint-plugin/testing";
 * await using plugin = await launchPlugin({ entry: "main.ts" });
 * await plugin.configure("builder", { source: "./app" });
 * const { json, ui } = await plugin.build();
 * ```
 */
export async function launchPlugin(options: LaunchOptions = {}): Promise<TestPlugin> {
  return new TestPlugin(await launchProcess(options));
}
