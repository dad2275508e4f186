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
import * as grpc from "@grpc/grpc-js";
import { join } from "node:path";
import {
  file,
  type FuncSpec,
  type FuncSpec_Value,
  ResourceCategoryDisplayHint,
  StatusReport_Health,
  type Struct,
} from "../gen/wire.ts";
import { codec, MAX_MESSAGE } from "../internal/grpc.ts";
import type { AnyMessage, DeploymentConfig } from "../components/context.ts";
import type { Health, StatusReport, StatusResource } from "../components/status.ts";
import type { ResourceCategory } from "../components/resources.ts";
import { Code, PluginError } from "../errors.ts";
import { decodeUseBlock } from "./hcl.ts";
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from "../serve.ts";
import { RecordingUI, type UIEvent } from "./recording_ui.ts";
import { DEFAULT_PERMISSIONS } from "../permissions.ts";

export type { UIEvent } from "./recording_ui.ts";

/** Options for {@linkcode launchPlugin}. */
export interface LaunchOptions {
  /**
   * The command that starts the plugin. Default: `deno run` of `entry` with
   * the permissions a compiled plugin bakes in.
   */
  command?: string[];
  /** The plugin's main module, for the default command. Default: `main.ts` in `cwd`. */
  entry?: string;
  /** The plugin's working directory (Waypoint runs plugins in the project directory). Default: the current one. */
  cwd?: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** How long to wait for the handshake line, in ms. Default: 30 000. */
  timeoutMs?: number;
}

/** One hclog line the plugin wrote to stderr (or `{ "@message": line }` when not JSON). */
export type LogLine = Record<string, unknown>;

/** The components a plugin serves, by the name Waypoint dispenses. */
export type ComponentName = "builder" | "registry" | "platform" | "releasemanager" | "tasklauncher";

const SERVICE: Record<ComponentName, string> = {
  builder: "hashicorp.waypoint.sdk.Builder",
  registry: "hashicorp.waypoint.sdk.Registry",
  platform: "hashicorp.waypoint.sdk.Platform",
  releasemanager: "hashicorp.waypoint.sdk.ReleaseManager",
  tasklauncher: "hashicorp.waypoint.sdk.TaskLauncher",
};

/** Values the host supplies to operations; each has a sensible default. */
export interface CallOptions {
  /** `Args.Source`. Default: `{ app: "app", path: "." }`. */
  source?: { app: string; path: string };
  /** `Args.JobInfo`. Default: a local job in workspace `default`. */
  job?: { local?: boolean; workspace?: string; id?: string; project?: string; app?: string };
  /** `Args.LabelSet`. Default: `{}`. */
  labels?: Record<string, string>;
  /** `Args.DataDir.App`. Default: directories under `.waypoint/data` in the plugin's cwd. */
  dataDir?: { cacheDir: string; dataDir: string };
  /**
   * `Args.DeploymentConfig`, field by field. Default: id `test-1`, sequence 1,
   * server address `localhost:9701`, no TLS, no invite token.
   */
  deploymentConfig?: Partial<DeploymentConfig>;
  /** `Args.TaskLaunchInfo` for task launchers. */
  task?: {
    ociUrl?: string;
    environmentVariables?: Record<string, string>;
    arguments?: string[];
    entrypoint?: string[];
  };
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

/** What an operation returned. */
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

/** What `status()` returned: the report with health and categories by name, as the plugin wrote them. */
export interface StatusResult extends OperationResult {
  /** The decoded status report. */
  report: StatusReport;
}

const CODE_NAMES = Object.fromEntries(
  Object.entries(Code).map(([name, code]) => [code, name]),
) as Record<Code, keyof typeof Code>;

/**
 * An RPC the plugin answered with an error status. `code` is the gRPC code,
 * to compare with {@linkcode Code} (`Code.FAILED_PRECONDITION`); `codeName`
 * is its name there.
 */
export class RpcError extends PluginError {
  /** `service/method`, e.g. `hashicorp.waypoint.sdk.Builder/Build`. */
  readonly rpc: string;
  /** The plugin's message, as Waypoint shows it after `desc =`. */
  readonly details: string;
  /** The code's name in {@linkcode Code}, e.g. `FAILED_PRECONDITION`. */
  readonly codeName: keyof typeof Code;

  /**
   * @param rpc the method that failed
   * @param code the gRPC status code
   * @param details the status message
   */
  constructor(rpc: string, code: Code, details: string) {
    super(`${rpc}: ${details}`, code);
    this.name = "RpcError";
    this.rpc = rpc;
    this.details = details;
    this.codeName = CODE_NAMES[code] ?? "UNKNOWN";
  }
}

const decoder = new TextDecoder();

/** What a compiled plugin bakes in by default (see `compile`). */
function permissions(): string[] {
  return DEFAULT_PERMISSIONS.map((p) => `--allow-${p}`);
}

/** A running plugin under test. */
export class TestPlugin {
  /** The plugin's process id. */
  readonly pid: number;
  /** `unix` or `tcp`. */
  readonly network: string;
  /** Where it listens. */
  readonly address: string;
  /** Everything it logged, parsed. */
  readonly logs: LogLine[] = [];
  #child: Deno.ChildProcess;
  #client: grpc.Client;
  #broker: grpc.ClientDuplexStream<unknown, unknown>;
  #brokerIds = 0;
  #servers: { server: grpc.Server; dir: string }[] = [];
  #pluginInfos = new Map<number, { network: string; address: string }>();
  #stderrDone: Promise<void>;
  #cwd: string;

  /** @internal use {@linkcode launchPlugin} */
  constructor(
    child: Deno.ChildProcess,
    network: string,
    address: string,
    stderrDone: Promise<void>,
    logs: LogLine[],
    cwd: string,
  ) {
    this.#child = child;
    this.pid = child.pid;
    this.network = network;
    this.address = address;
    this.logs = logs;
    this.#stderrDone = stderrDone;
    this.#cwd = cwd;
    const target = network === "unix" ? `unix://${address}` : address;
    this.#client = new grpc.Client(target, grpc.credentials.createInsecure(), {
      "grpc.max_receive_message_length": MAX_MESSAGE,
      "grpc.max_send_message_length": MAX_MESSAGE,
    });
    const info = codec("plugin.ConnInfo");
    this.#broker = this.#client.makeBidiStreamRequest(
      "/plugin.GRPCBroker/StartStream",
      info.serialize,
      info.deserialize,
    );
    this.#broker.on("data", (i: { serviceId: number; network: string; address: string }) => {
      this.#pluginInfos.set(i.serviceId, { network: i.network, address: i.address });
    });
    this.#broker.on("error", () => {});
  }

  /**
   * Calls a unary RPC by full service name and method, with a plain request
   * object. An error status rejects with an {@linkcode RpcError}; aborting
   * `options.signal` cancels the call.
   */
  call(
    service: string,
    method: string,
    request: unknown = {},
    options: { signal?: AbortSignal } = {},
  ): Promise<Record<string, unknown>> {
    const m = file.root.lookupService(service).methods[method];
    if (!m) throw new TypeError(`${service} has no method ${method}`);
    m.resolve();
    const req = codec(m.resolvedRequestType!.fullName.slice(1));
    const res = codec(m.resolvedResponseType!.fullName.slice(1));
    const rpc = `${service}/${method}`;
    const { signal } = options;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(new RpcError(rpc, Code.CANCELLED, "cancelled before the call was made"));
        return;
      }
      const onAbort = () => call.cancel();
      const call = this.#client.makeUnaryRequest(
        `/${rpc}`,
        req.serialize,
        (b: Buffer) => {
          const type = file.root.lookupType(m.resolvedResponseType!.fullName);
          return type.toObject(res.deserialize(b) as never, { defaults: true, longs: Number });
        },
        request,
        (err, value) => {
          signal?.removeEventListener("abort", onAbort);
          if (err) reject(new RpcError(rpc, err.code as Code, err.details || err.message));
          else resolve(value as Record<string, unknown>);
        },
      );
      signal?.addEventListener("abort", onAbort, { once: true });
    });
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
    const service = SERVICE[component];
    const resp = await this.call(service, "ConfigStruct");
    const struct = (resp.struct as Struct | null) ?? undefined;
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

  /** Runs any `<spec>`/`<call>` pair: the FuncSpec is answered with standard values and `inputs`. */
  async operation(
    component: ComponentName,
    specMethod: string,
    callMethod: string,
    options: CallOptions = {},
  ): Promise<OperationResult> {
    const service = SERVICE[component];
    const spec = await this.call(service, specMethod) as unknown as FuncSpec;
    const ui = new RecordingUI();
    const args: FuncSpec_Value[] = [];
    const missing: string[] = [];
    for (const a of spec.args) {
      const value = await this.#supply(a, options, ui);
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
      const result = response.result as AnyMessage | null | undefined;
      const tpl = response.templateData as Uint8Array | undefined;
      return {
        result: result
          ? { typeUrl: result.typeUrl, value: new Uint8Array(result.value) }
          : undefined,
        json: typeof response.resultJson === "string" && response.resultJson
          ? JSON.parse(response.resultJson)
          : undefined,
        templateData: tpl && tpl.length > 0 ? JSON.parse(decoder.decode(tpl)) : undefined,
        response,
        ui: ui.events,
      };
    } finally {
      await this.#stopServers();
    }
  }

  async #supply(
    a: FuncSpec_Value,
    o: CallOptions,
    ui: RecordingUI,
  ): Promise<FuncSpec_Value | undefined> {
    const any = (type: string, value: unknown): FuncSpec_Value => {
      const t = file.message<object>(type);
      return {
        name: a.name,
        type: a.type,
        primitiveType: 0,
        protoAny: { typeUrl: t.typeUrl, value: t.encode(value as object) },
      };
    };
    const sdk = "hashicorp.waypoint.sdk.";
    switch (a.type) {
      case `${sdk}Args.Source`:
        return any(a.type, o.source ?? { app: "app", path: "." });
      case `${sdk}Args.JobInfo`:
        return any(a.type, {
          local: true,
          workspace: "default",
          id: "job-1",
          project: "project",
          app: "app",
          ...o.job,
        });
      case `${sdk}Args.Logger`:
        return any(a.type, { name: "waypoint.test" });
      case `${sdk}Args.LabelSet`:
        return any(a.type, { labels: o.labels ?? {} });
      case `${sdk}Args.DataDir.App`:
        return any(
          a.type,
          o.dataDir ?? {
            cacheDir: join(this.#cwd, ".waypoint", "cache"),
            dataDir: join(this.#cwd, ".waypoint", "data"),
          },
        );
      case `${sdk}Args.DeploymentConfig`:
        return any(a.type, {
          id: "test-1",
          sequence: 1,
          serverAddr: "localhost:9701",
          serverTls: false,
          serverTlsSkipVerify: false,
          entrypointInviteToken: "",
          ...o.deploymentConfig,
        });
      case `${sdk}Args.TaskLaunchInfo`:
        return any(a.type, {
          ociUrl: "",
          environmentVariables: {},
          arguments: [],
          entrypoint: [],
          ...o.task,
        });
      case `${sdk}Args.TerminalUI`: {
        const id = await this.#serve((server) => ui.register(server), o.brokerDelayMs ?? 0);
        return any(a.type, { streamId: id });
      }
    }
    // Build's named values, as Waypoint's core passes them.
    if (a.name === "hasregistry" && a.primitiveType === 1) {
      return { ...a, bool: o.hasRegistry ?? o.accessInfo !== undefined };
    }
    if (a.name === "access_info" && o.accessInfo) return { ...a, protoAny: o.accessInfo };
    const given = [...(o.inputs ?? []), ...(o.accessInfo ? [o.accessInfo] : [])]
      .find((i) => i.typeUrl.slice(i.typeUrl.lastIndexOf("/") + 1) === a.type);
    if (given) {
      return { name: a.name, type: a.type, primitiveType: 0, protoAny: given };
    }
    return undefined;
  }

  /** Serves host-side services on a new unix socket and announces it over the broker. */
  async #serve(register: (server: grpc.Server) => void, delayMs = 0): Promise<number> {
    const server = new grpc.Server();
    register(server);
    const dir = await Deno.makeTempDir({ prefix: "wphost" });
    const address = join(dir, "s.sock");
    await new Promise<void>((resolve, reject) =>
      server.bindAsync(
        `unix://${address}`,
        grpc.ServerCredentials.createInsecure(),
        (err) => err ? reject(err) : resolve(),
      )
    );
    this.#servers.push({ server, dir });
    const id = ++this.#brokerIds;
    const announce = () => this.#broker.write({ serviceId: id, network: "unix", address });
    if (delayMs <= 0) announce();
    else if (Number.isFinite(delayMs)) this.#timers.push(setTimeout(announce, delayMs));
    return id;
  }

  #timers: ReturnType<typeof setTimeout>[] = [];

  async #stopServers(): Promise<void> {
    for (const t of this.#timers.splice(0)) clearTimeout(t);
    for (const { server, dir } of this.#servers.splice(0)) {
      await new Promise<void>((r) => server.tryShutdown(() => r()));
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  }

  /**
   * Shuts the plugin down as Waypoint does (close the broker, Shutdown, wait
   * up to 2 s, then kill) and returns whether it exited on its own.
   */
  async close(): Promise<{ graceful: boolean; code: number | null }> {
    this.#broker.end();
    await this.call("plugin.GRPCController", "Shutdown").catch(() => {});
    this.#client.close();
    await this.#stopServers();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const status = await Promise.race([
      this.#child.status,
      new Promise<undefined>((r) => timer = setTimeout(() => r(undefined), 2000)),
    ]);
    clearTimeout(timer);
    if (!status) {
      try {
        this.#child.kill("SIGKILL");
      } catch {
        // already gone
      }
      await this.#child.status;
      await this.#stderrDone;
      return { graceful: false, code: null };
    }
    await this.#stderrDone;
    return { graceful: true, code: status.code };
  }

  /** Closes the plugin at the end of a `using`/`await using` block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

function withInput(o: CallOptions, input: AnyMessage): CallOptions {
  return { ...o, inputs: [input, ...(o.inputs ?? [])] };
}

/** The name of an enum value, as the toolkit spells it: `INSTANCE_MANAGER` → `instance-manager`. */
function enumName(values: Record<string, number>, n: unknown): string {
  const name = Object.entries(values).find(([, v]) => v === n)?.[0] ?? "UNKNOWN";
  return name.toLowerCase().replaceAll("_", "-");
}

function timestamp(t: unknown): Date | undefined {
  const ts = t as { seconds?: number; nanos?: number } | null | undefined;
  return ts ? new Date((ts.seconds ?? 0) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6)) : undefined;
}

/** A `StatusReport` response as the toolkit's {@linkcode StatusReport}. */
function statusReport(r: Record<string, unknown>): StatusReport {
  const resources = (r.resources as Record<string, unknown>[] | undefined ?? []).map(
    (res): StatusResource => ({
      name: res.name as string,
      health: enumName(StatusReport_Health, res.health) as Health,
      healthMessage: res.healthMessage as string,
      id: res.id as string,
      parentResourceId: res.parentResourceId as string,
      platform: res.platform as string,
      type: res.type as string,
      platformUrl: res.platformUrl as string,
      category: enumName(ResourceCategoryDisplayHint, res.categoryDisplayHint) as ResourceCategory,
      createdTime: timestamp(res.createdTime),
      state: res.stateJson ? JSON.parse(res.stateJson as string) : undefined,
      declaredResource: (res.declaredResource as { name?: string } | null)?.name || undefined,
    }),
  );
  return {
    health: enumName(StatusReport_Health, r.health) as Health,
    healthMessage: r.healthMessage as string,
    resources,
    external: r.external as boolean,
    generatedTime: timestamp(r.generatedTime),
  };
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
  const cwd = options.cwd ?? Deno.cwd();
  const command = options.command ??
    [
      Deno.execPath(),
      "run",
      "--quiet",
      "--no-prompt",
      ...permissions(),
      options.entry ?? join(cwd, "main.ts"),
    ];
  const child = new Deno.Command(command[0], {
    args: command.slice(1),
    cwd,
    env: {
      ...options.env,
      [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE,
      PLUGIN_PROTOCOL_VERSIONS: "1",
      PLUGIN_MIN_PORT: "10000",
      PLUGIN_MAX_PORT: "25000",
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();

  const logs: LogLine[] = [];
  const stderrDone = (async () => {
    let partial = "";
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
      partial += chunk;
      const lines = partial.split("\n");
      partial = lines.pop() ?? "";
      for (const l of lines) {
        if (!l.trim()) continue;
        try {
          logs.push(JSON.parse(l));
        } catch {
          logs.push({ "@message": l });
        }
      }
    }
  })();

  const reader = child.stdout.getReader();
  let text = "";
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) =>
    timer = setTimeout(
      () =>
        reject(
          new Error(`the plugin printed no handshake line within ${options.timeoutMs ?? 30000} ms`),
        ),
      options.timeoutMs ?? 30000,
    )
  );
  try {
    while (!text.includes("\n")) {
      const { value, done } = await Promise.race([reader.read(), timeout]);
      if (done) {
        await child.status;
        await stderrDone;
        throw new Error(
          `the plugin exited before the handshake: ${logs.map((l) => l["@message"]).join("\n")}`,
        );
      }
      text += decoder.decode(value);
    }
  } catch (err) {
    try {
      child.kill("SIGKILL");
    } catch {
      // gone
    }
    throw err;
  } finally {
    clearTimeout(timer);
  }
  // Drain the rest of stdout (there should be none) so the pipe never fills.
  (async () => {
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
    }
  })().catch(() => {});
  const parts = text.split("\n")[0].trim().split("|");
  if (parts.length < 5 || parts[0] !== "1" || parts[4] !== "grpc") {
    child.kill("SIGKILL");
    throw new Error(`Unrecognized remote plugin message: ${text.split("\n")[0]}`);
  }
  return new TestPlugin(child, parts[2], parts[3], stderrDone, logs, cwd);
}
