/**
 * The real Waypoint for a test: {@linkcode startWaypoint} starts a Waypoint
 * 0.11 server of the test's own (free 127.0.0.1 ports, URL service off,
 * database and HOME in a fresh temp dir) and bootstraps a CLI context; a
 * project of it holds a `waypoint.hcl`, the app's files and the plugins
 * under test, installed as `install --dev` installs them; `project.run()`
 * runs a CLI command there and returns its exit code, output and the
 * plugins' log lines. Disposing it stops the server and fails the test if
 * a job, process, socket or file of the run is left (after removing them).
 *
 * Why one server per test: a Waypoint job holds a lock on its
 * project/app/workspace while it runs. A deploy, release or destroy whose
 * CLI (and so its in-process local runner) dies without reporting the end
 * stays "running" until the server's 2-minute heartbeat timeout, and every
 * later deploy, release or destroy of that app waits behind it. So no test
 * shares a server, the CLI is never SIGKILLed while it may hold a job (a
 * timeout sends SIGINT first and waits), and each test ends by checking
 * that no job is left unfinished.
 *
 * @module
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from "../../server/serve.ts";
import { type CliResult, type RunningCli, runToEnd, sleep, spawnCli } from "./cli_process.ts";
import { findWaypointCli } from "./cli.ts";
import { finished, type Job, parseJobs } from "./jobs.ts";
import { pidOf, processesLeftIn } from "./processes.ts";
import {
  PortInUse,
  type Server,
  type ServerPorts,
  spawnServer,
  toolCaches,
  waitForServer,
} from "./server.ts";
import { StreamStall, watchForStall } from "./stall.ts";

const dec = new TextDecoder();

/**
 * Options of {@linkcode startWaypoint}.
 *
 * @example A server on fixed ports with more environment
 * ```ts
 * import assert from "node:assert";
 * import { startWaypoint, type WaypointOptions } from "@x/waypoint-plugin/testing";
 * const options: WaypointOptions = {
 *   bin: Deno.env.get("WAYPOINT_BIN"), // default: WAYPOINT_BIN, else `waypoint` on PATH
 *   ports: { grpc: 19701, http: 19702 },
 *   timeoutMs: 120_000,
 *   env: { WAYPOINT_LOG_LEVEL: "debug" },
 *   handshakeTimeoutMs: 90_000,
 * };
 * Deno.test("the server starts", async () => {
 *   await using wp = await startWaypoint(options);
 *   assert.match(wp.addr, /^127\.0\.0\.1:\d+$/);
 * });
 * ```
 */
export interface WaypointOptions {
  /** The CLI binary. Default: `WAYPOINT_BIN`, else `waypoint` on PATH (must be 0.11.x). */
  bin?: string;
  /** The server's ports. Default: free ones. A port in use fails the start with a clear error. */
  ports?: ServerPorts;
  /** How long one CLI command may take before it is interrupted (SIGINT). Default: 180 s. */
  timeoutMs?: number;
  /** More environment for the server, every command and so the plugins. */
  env?: Record<string, string>;
  /**
   * How long an installed plugin may take to print its handshake line when
   * {@linkcode RealWaypoint.installPlugin} checks it (a first run bundles
   * the source). Default: 60 s.
   */
  handshakeTimeoutMs?: number;
}

/**
 * A plugin under test, installed into a project as `install --dev` installs it.
 *
 * @example Install a plugin from its entry
 * ```ts
 * import { type PluginUnderTest, startWaypoint } from "@x/waypoint-plugin/testing";
 * const plugin: PluginUnderTest = {
 *   name: "myplugin", // use "myplugin" in waypoint.hcl
 *   entry: new URL("../main.ts", import.meta.url),
 *   permissions: ["read=.", "run=go"], // default: deno.json's waypoint.permissions
 * };
 * Deno.test("waypoint init finds the plugin", async () => {
 *   await using wp = await startWaypoint();
 *   await wp.project({
 *     hcl:
 *       'project = "e2e"\napp "web" {\n  build {\n    use "myplugin" {}\n  }\n  deploy {\n    use "myplugin" {}\n  }\n}\n',
 *     plugins: [plugin],
 *   });
 * });
 * ```
 */
export interface PluginUnderTest {
  /** The plugin name: `use "<name>"` in waypoint.hcl. */
  name: string;
  /** Its entry module (path or `file:` URL), the one that calls `serve()`. */
  entry: string | URL;
  /**
   * Its permissions beyond what `serve()` needs, as `compile --allow` takes
   * them. Default: the `waypoint.permissions` of the deno.json next to the
   * entry, as `install --dev` reads them.
   */
  permissions?: readonly string[];
  /** The folder `install` runs in (its deno.json and lockfile). Default: the entry's folder. */
  root?: string;
}

/**
 * What {@linkcode RealWaypoint.project} makes.
 *
 * @example A project with files of its own
 * ```ts
 * import assert from "node:assert";
 * import { type ProjectOptions, startWaypoint } from "@x/waypoint-plugin/testing";
 * const options: ProjectOptions = {
 *   name: "site",
 *   hcl:
 *     'project = "site"\napp "web" {\n  build {\n    use "myplugin" {}\n  }\n  deploy {\n    use "myplugin" {}\n  }\n}\n',
 *   files: {
 *     "index.html": "<h1>hello</h1>",
 *     "go.mod": { from: "testdata/go.mod" }, // copied
 *   },
 *   plugins: [{ name: "myplugin", entry: "main.ts" }],
 *   init: true,
 * };
 * Deno.test("the project initialises", async () => {
 *   await using wp = await startWaypoint();
 *   const project = await wp.project(options);
 *   assert.ok((await Deno.stat(`${project.dir}/waypoint.hcl`)).isFile);
 * });
 * ```
 */
export interface ProjectOptions {
  /** The folder name under the run's temp dir. Default: the `project = "…"` of `hcl`, else "app". */
  name?: string;
  /** The project's `waypoint.hcl`. */
  hcl: string;
  /** More files, by path relative to the project: their text or bytes, or a file to copy. */
  files?: Record<string, string | Uint8Array | { from: string }>;
  /** The plugins to install into the project's `.waypoint/plugins`. */
  plugins?: readonly PluginUnderTest[];
  /** Run `waypoint init` (registering the project and checking waypoint.hcl). Default: true. */
  init?: boolean;
}

/**
 * Options of one command.
 *
 * @example Answer a prompt, with a time limit
 * ```ts
 * import assert from "node:assert";
 * import { type RunOptions, startWaypoint } from "@x/waypoint-plugin/testing";
 * const answers: RunOptions = { stdin: "yes\n", timeoutMs: 60_000, env: { NO_COLOR: "1" } };
 * Deno.test("destroy asks first", async () => {
 *   await using wp = await startWaypoint();
 *   const project = await wp.project({
 *     hcl:
 *       'project = "e2e"\napp "web" {\n  build {\n    use "myplugin" {}\n  }\n  deploy {\n    use "myplugin" {}\n  }\n}\n',
 *     plugins: [{ name: "myplugin", entry: "main.ts" }],
 *   });
 *   await project.run("up");
 *   const r = await project.run(answers, "destroy");
 *   assert.equal(r.code, 0, r.output);
 * });
 * ```
 */
export interface RunOptions {
  /** Interrupt it (SIGINT) after this long and throw. Default: the harness's `timeoutMs`. */
  timeoutMs?: number;
  /** Written to its stdin (e.g. answers to prompts). Default: stdin closed. */
  stdin?: string;
  /** More environment for this command and the plugins it starts. */
  env?: Record<string, string>;
}

/**
 * One log line a plugin wrote (hclog), as the Waypoint CLI relayed it.
 *
 * @example Find the plugin's own log lines
 * ```ts
 * import assert from "node:assert";
 * import { type PluginLogLine, startWaypoint } from "@x/waypoint-plugin/testing";
 * const warnings = (lines: PluginLogLine[]) =>
 *   lines.filter((l) => l.plugin === "waypoint-plugin-myplugin" && l.level === "WARN");
 * Deno.test("a build logs no warnings", async () => {
 *   await using wp = await startWaypoint();
 *   const project = await wp.project({
 *     hcl:
 *       'project = "e2e"\napp "web" {\n  build {\n    use "myplugin" {}\n  }\n  deploy {\n    use "myplugin" {}\n  }\n}\n',
 *     plugins: [{ name: "myplugin", entry: "main.ts" }],
 *   });
 *   const r = await project.run("build");
 *   assert.deepEqual(warnings(r.pluginLogs).map((l) => l.message), []);
 * });
 * ```
 */
export interface PluginLogLine {
  /** The plugin's name (`waypoint-plugin-<name>`). */
  plugin: string;
  /** `TRACE`, `DEBUG`, `INFO`, `WARN` or `ERROR`. */
  level: string;
  /** The message. */
  message: string;
  /** Its key/value pairs as the CLI printed them (Waypoint's job fields included). */
  fields: Record<string, string>;
  /** The whole line. */
  line: string;
}

/**
 * What a command did.
 *
 * @example What a command printed and logged
 * ```ts
 * import assert from "node:assert";
 * import { startWaypoint, type WaypointResult } from "@x/waypoint-plugin/testing";
 * Deno.test("up prints the deployment's URL", async () => {
 *   await using wp = await startWaypoint();
 *   const project = await wp.project({
 *     hcl:
 *       'project = "e2e"\napp "web" {\n  build {\n    use "myplugin" {}\n  }\n  deploy {\n    use "myplugin" {}\n  }\n}\n',
 *     plugins: [{ name: "myplugin", entry: "main.ts" }],
 *   });
 *   const up: WaypointResult = await project.run("up");
 *   assert.equal(up.code, 0, `${up.command}\n${up.output}\n${up.cliLog}`);
 *   assert.match(up.stdout, /Deployment URL/);
 * });
 * ```
 */
export interface WaypointResult extends CliResult {
  /** The command as run, flags added by the harness included. */
  command: string;
  /** The log lines of the plugins it started, in order. */
  pluginLogs: PluginLogLine[];
  /** The CLI's own log lines (stderr at `-vv`), which `stderr` and `output` leave out. */
  cliLog: string;
}

const LOG_LINE = /^\d{4}-\d\d-\d\dT[\d:.]+Z? \[(TRACE|DEBUG|INFO|WARN|ERROR)\] ?\s*(.*)$/;

/** `key=value` pairs at the end of an hclog line (values may be quoted). */
const FIELDS = /^(?:[^\s=]+=(?:"(?:[^"\\]|\\.)*"|\S*)(?: |$))+$/;

/** Parses `k=v k="q v"` into a record. */
function fieldsOf(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/([^\s=]+)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
    let v = m[2];
    if (v.startsWith('"')) {
      try {
        v = JSON.parse(v);
      } catch {
        v = v.slice(1, -1);
      }
    }
    out[m[1]] = v;
  }
  return out;
}

/** Splits the CLI's stderr at `-vv` into its other output, its log, and the plugins' lines. */
export function splitLog(
  stderr: string,
): { rest: string; cliLog: string; plugins: PluginLogLine[] } {
  const rest: string[] = [];
  const log: string[] = [];
  const plugins: PluginLogLine[] = [];
  for (const line of stderr.split("\n")) {
    const m = LOG_LINE.exec(line);
    if (!m) {
      rest.push(line);
      continue;
    }
    log.push(line);
    const p = /(?:^|\.)waypoint-plugin-([^:\s]+): (.*)$/.exec(m[2]);
    if (!p) continue;
    let message = p[2];
    let fields: Record<string, string> = {};
    for (let at = message.indexOf(": "); at >= 0; at = message.indexOf(": ", at + 1)) {
      if (FIELDS.test(message.slice(at + 2))) {
        fields = fieldsOf(message.slice(at + 2));
        message = message.slice(0, at);
        break;
      }
    }
    plugins.push({ plugin: p[1], level: m[1], message, fields, line });
  }
  return { rest: rest.join("\n"), cliLog: log.join("\n"), plugins };
}

/** Commands whose first two words name them (`waypoint deployment list`). */
const GROUPS = new Set([
  "artifact",
  "auth-method",
  "config",
  "context",
  "deployment",
  "hostname",
  "job",
  "pipeline",
  "project",
  "release",
  "runner",
  "server",
  "task",
  "user",
  "workspace",
]);

/** Operations that take `-local`. */
const OPERATIONS = new Set(["build", "deploy", "release", "up", "destroy"]);

/**
 * `args` with `-plain`, `-vv` (for the plugins' logs) and, for an
 * operation, `-local=true` after the command's name, unless given.
 */
export function withHarnessFlags(args: readonly string[]): string[] {
  const n = args.length > 1 && GROUPS.has(args[0]) && !args[1].startsWith("-") ? 2 : 1;
  const head = args.slice(0, n);
  const tail = args.slice(n);
  const has = (flag: string) => tail.some((a) => a === flag || a.startsWith(`${flag}=`));
  const flags: string[] = [];
  if (!has("-plain")) flags.push("-plain");
  if (!tail.some((a) => /^-v+$/.test(a))) flags.push("-vv");
  if (n === 1 && OPERATIONS.has(args[0]) && !has("-local")) flags.push("-local=true");
  return [...head, ...flags, ...tail];
}

/** `project = "…"` of a waypoint.hcl, if any. */
function projectName(hcl: string): string | undefined {
  return /^\s*project\s*=\s*"([^"]+)"/m.exec(hcl)?.[1];
}

function pathOf(p: string | URL): string {
  return p instanceof URL || p.startsWith("file:") ? fromFileUrl(p) : resolve(p);
}

/**
 * Installs `plugin` into the project folder `dir` as `install --dev` does
 * for a user (a child `deno run` of the install tool); returns the
 * launcher's path, `.waypoint/plugins/waypoint-plugin-<name>`. Its first
 * start builds the cached bundle. Also used by the benchmark.
 */
export async function installDev(dir: string, plugin: PluginUnderTest): Promise<string> {
  const entry = pathOf(plugin.entry);
  const tool = fromFileUrl(new URL("../../tools/install.ts", import.meta.url));
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      tool,
      "--dev",
      "--name",
      plugin.name,
      "--entry",
      entry,
      "--project",
      dir,
      ...(plugin.permissions ?? []).flatMap((p) => ["--allow", p]),
    ],
    cwd: plugin.root ?? dirname(entry),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(
      `install --dev of plugin "${plugin.name}" (${entry}) failed:\n${dec.decode(out.stderr)}`,
    );
  }
  return join(dir, ".waypoint", "plugins", `waypoint-plugin-${plugin.name}`);
}

/**
 * The Waypoint server and CLI of one test.
 *
 * @example The server, the CLI and the jobs
 * ```ts
 * import assert from "node:assert";
 * import { type RealWaypoint, startWaypoint } from "@x/waypoint-plugin/testing";
 * Deno.test("no job is left running", async () => {
 *   await using wp: RealWaypoint = await startWaypoint();
 *   const project = await wp.project({
 *     hcl:
 *       'project = "e2e"\napp "web" {\n  build {\n    use "myplugin" {}\n  }\n  deploy {\n    use "myplugin" {}\n  }\n}\n',
 *     plugins: [{ name: "myplugin", entry: "main.ts" }],
 *   });
 *   await project.run("build");
 *   const jobs = await wp.jobs(project.dir);
 *   assert(jobs.every((j) => j.state === "SUCCESS" || j.state === "ERROR"));
 * });
 * ```
 */
export class RealWaypoint implements AsyncDisposable {
  #server: Server;
  #running = new Set<RunningCli>();
  #stopped = false;
  #timeoutMs: number;
  #handshakeMs = 60_000;
  #unload = () => this.#abandon();

  private constructor(
    /** The temp dir holding everything: `home`, `tmp`, the database and the projects. */
    readonly root: string,
    /** The CLI binary. */
    readonly bin: string,
    /** The environment every CLI command and plugin gets. */
    readonly env: Record<string, string>,
    server: Server,
    timeoutMs: number,
  ) {
    this.#server = server;
    this.#timeoutMs = timeoutMs;
    this.addr = server.addr;
    globalThis.addEventListener("unload", this.#unload);
  }

  /** `127.0.0.1:<port>` of the server's gRPC listener. */
  readonly addr: string;

  /** See {@linkcode startWaypoint}. */
  static async start(options: WaypointOptions = {}): Promise<RealWaypoint> {
    const bin = await findWaypointCli(options.bin);
    for (const port of Object.values(options.ports ?? {})) {
      if (port === undefined) continue;
      try {
        Deno.listen({ hostname: "127.0.0.1", port }).close();
      } catch (err) {
        if (err instanceof Deno.errors.AddrInUse) throw new PortInUse(port, "(not started)");
        throw err;
      }
    }
    const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "waypoint-e2e-" }));
    const home = join(root, "home");
    const tmp = join(root, "tmp");
    await Deno.mkdir(home);
    await Deno.mkdir(tmp);
    const env = {
      ...(await toolCaches()),
      ...options.env,
      HOME: home,
      TMPDIR: tmp,
      XDG_CONFIG_HOME: join(home, ".config"),
      XDG_DATA_HOME: join(home, ".local", "share"),
      XDG_CACHE_HOME: join(home, ".cache"),
    };
    const timeoutMs = options.timeoutMs ?? 180_000;
    let wp = new RealWaypoint(
      root,
      bin,
      env,
      spawnServer(bin, root, env, options.ports),
      timeoutMs,
    );
    try {
      try {
        await waitForServer(wp.#server);
      } catch (err) {
        // Free ports taken between choosing and binding: once more with others.
        if (!(err instanceof PortInUse) || options.ports) throw err;
        await wp.stop().catch(() => {});
        await Deno.mkdir(home, { recursive: true });
        await Deno.mkdir(tmp, { recursive: true });
        wp = new RealWaypoint(root, bin, env, spawnServer(bin, root, env), timeoutMs);
        await waitForServer(wp.#server);
      }
      wp.#handshakeMs = options.handshakeTimeoutMs ?? wp.#handshakeMs;
      const boot = await wp.run(
        ["server", "bootstrap", `-server-addr=${wp.addr}`, "-server-tls-skip-verify"],
        { cwd: root, timeoutMs: 60_000 },
      );
      if (boot.code !== 0) throw new Error(`waypoint server bootstrap failed:\n${boot.output}`);
    } catch (err) {
      await wp.stop().catch(() => {});
      throw err;
    }
    return wp;
  }

  /**
   * Makes a project: its folder with `waypoint.hcl` and `files`, the
   * plugins installed (each checked to print its handshake), and `waypoint
   * init` run. Throws naming what was wrong: a plugin that does not start,
   * a `waypoint.hcl` that does not parse.
   */
  async project(options: ProjectOptions): Promise<WaypointProject> {
    const name = options.name ?? projectName(options.hcl) ?? "app";
    const dir = await this.writeFiles(name, { ...options.files, "waypoint.hcl": options.hcl });
    for (const plugin of options.plugins ?? []) await this.installPlugin(dir, plugin);
    const project = new WaypointProject(this, dir, name);
    if (options.init ?? true) {
      const init = await this.run(["init", "-plain"], { cwd: dir });
      if (init.code !== 0) {
        const diag = init.output.split("\n").filter((l) => /^[!] |^\s{2}\S/.test(l)).join("\n");
        throw new Error(
          /Error loading configuration|Error parsing|Argument or block|Unsupported/.test(
              init.output,
            )
            ? `The waypoint.hcl of project "${name}" is not valid for Waypoint (waypoint init ` +
              `exit ${init.code}):\n${diag || init.output}`
            : `waypoint init failed in project "${name}" (exit ${init.code}):\n${init.output}`,
        );
      }
    }
    return project;
  }

  /** Writes `files` (relative path → text, bytes or a file to copy) into the project folder `name`. */
  async writeFiles(
    name: string,
    files: Record<string, string | Uint8Array | { from: string }>,
  ): Promise<string> {
    const dir = join(this.root, name);
    await Deno.mkdir(dir, { recursive: true });
    for (const [rel, what] of Object.entries(files)) {
      const path = join(dir, rel);
      await Deno.mkdir(dirname(path), { recursive: true });
      if (typeof what === "string") await Deno.writeTextFile(path, what);
      else if (what instanceof Uint8Array) await Deno.writeFile(path, what);
      else await Deno.copyFile(what.from, path);
    }
    return dir;
  }

  /**
   * Installs `plugin` into the project `dir` with the toolkit's `install
   * --dev` (a launcher running a cached bundle of the source), then starts
   * it once as Waypoint would and checks it prints its handshake line.
   */
  async installPlugin(dir: string, plugin: PluginUnderTest): Promise<void> {
    await installDev(dir, plugin);
    await this.#checkHandshake(dir, plugin.name, pathOf(plugin.entry));
  }

  /** Starts the installed plugin as go-plugin does and reads its first stdout line. */
  async #checkHandshake(dir: string, name: string, entry: string): Promise<void> {
    const exe = join(dir, ".waypoint", "plugins", `waypoint-plugin-${name}`);
    const child = new Deno.Command(exe, {
      cwd: dir,
      env: { ...this.env, [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const stderr = new Response(child.stderr).text();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"timeout">((r) =>
      timer = setTimeout(() => r("timeout"), this.#handshakeMs)
    );
    let ended = false;
    while (!text.includes("\n") && !ended) {
      const next = await Promise.race([reader.read(), timeout]);
      if (next === "timeout") break;
      if (next.done) ended = true;
      else text += next.value;
    }
    clearTimeout(timer);
    try {
      child.kill("SIGTERM");
    } catch {
      // exited
    }
    const late = await Promise.race([child.status, sleep(10_000).then(() => undefined)]);
    if (!late) {
      child.kill("SIGKILL");
      await child.status;
    }
    reader.cancel().catch(() => {});
    await child.stdin.close().catch(() => {});
    const line = text.split("\n")[0];
    if (/^\d+\|\d+\|(unix|tcp)\|[^|]+\|grpc(\||$)/.test(line)) return;
    const err = (await stderr).trim().split("\n").slice(-15).join("\n");
    const what = ended
      ? `exited without printing its go-plugin handshake line`
      : line
      ? `printed ${JSON.stringify(line.slice(0, 200))} instead of its go-plugin handshake line`
      : `printed no go-plugin handshake line within ${this.#handshakeMs / 1000} s`;
    throw new Error(
      `Plugin "${name}" (${entry}) ${what}: Waypoint could not use it. Its entry must call ` +
        `serve() from @x/waypoint-plugin and print nothing to stdout before it.` +
        (err ? ` Its stderr:\n${err}` : ""),
    );
  }

  /** Starts `waypoint <args>` in `cwd`, in a process group of its own (like a terminal's job). */
  spawn(
    args: string[],
    opts: { cwd: string; stdin?: string; env?: Record<string, string> },
  ): RunningCli {
    const cli = spawnCli({
      bin: this.bin,
      args,
      cwd: opts.cwd,
      env: { ...this.env, ...opts.env },
      stdin: opts.stdin,
    });
    this.#running.add(cli);
    cli.result().finally(() => this.#running.delete(cli)).catch(() => {});
    return cli;
  }

  /**
   * Runs `waypoint <args>` in `cwd` to its end, as given (no flags added).
   * After `timeoutMs` it is interrupted (SIGINT, so the job it holds ends
   * properly) and this throws naming the command with its last output. A
   * run Waypoint's job-stream stall interrupts throws {@linkcode StreamStall}.
   */
  async run(args: string[], opts: RunOptions & { cwd: string }): Promise<CliResult> {
    const since = Date.now();
    const cli = this.spawn(args, opts);
    const over = new AbortController();
    try {
      return await Promise.race([
        runToEnd(cli, args, opts.timeoutMs ?? this.#timeoutMs),
        watchForStall(cli, args.join(" "), since, () => this.jobs(opts.cwd), over.signal),
      ]);
    } catch (err) {
      if (err instanceof StreamStall) {
        // Its job is over, so Ctrl-C holds no lock; wait for it so nothing is left running.
        cli.interrupt();
        await Promise.race([cli.result(), sleep(20_000)]);
      }
      throw err;
    } finally {
      over.abort();
    }
  }

  /** Every job the server knows, oldest last (as `waypoint job list` orders them). */
  async jobs(cwd: string = this.root): Promise<Job[]> {
    const args = ["job", "list", "-json"];
    const r = await runToEnd(this.spawn(args, { cwd }), args, 60_000);
    if (r.code !== 0) throw new Error(`waypoint job list failed:\n${r.output}`);
    return parseJobs(r.stdout);
  }

  /** On the process's exit without {@linkcode stop}: kill what runs, remove the temp dir. */
  #abandon(): void {
    for (const cli of this.#running) {
      try {
        Deno.kill(-cli.pid, "SIGKILL");
      } catch {
        // gone
      }
    }
    try {
      this.#server.process.kill("SIGKILL");
    } catch {
      // gone
    }
    try {
      Deno.removeSync(this.root, { recursive: true });
    } catch {
      // gone
    }
  }

  /**
   * Checks that no job is unfinished, stops the server (SIGINT) and checks
   * that nothing of the run is left: no process in the temp dir (the apps a
   * plugin deployed included), no socket or file in its TMPDIR. Kills and
   * removes what is left, removes the temp dir, then throws listing it.
   */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    globalThis.removeEventListener("unload", this.#unload);
    const problems: string[] = [];
    for (const cli of this.#running) {
      problems.push(`a CLI command was still running (pid ${cli.pid}); interrupted`);
      cli.interrupt();
      await Promise.race([cli.result(), sleep(20_000)]);
    }
    if (!this.#server.exited()) {
      try {
        const open = (await this.jobs()).filter((j) => !finished(j));
        for (const j of open) problems.push(`job ${j.id} (${j.operation}) is still ${j.state}`);
      } catch (err) {
        problems.push(`cannot list jobs: ${(err as Error).message}`);
      }
    }
    try {
      this.#server.process.kill("SIGINT");
    } catch {
      // already gone
    }
    const ended = await Promise.race([
      this.#server.process.status,
      sleep(20_000).then(() => undefined),
    ]);
    if (!ended) {
      problems.push("the server did not stop within 20 s of SIGINT; killed");
      this.#server.process.kill("SIGKILL");
      await this.#server.process.status;
    }
    for (const p of await processesLeftIn(this.root)) {
      problems.push(`process left running (killed): ${p}`);
      for (const target of [-pidOf(p), pidOf(p)]) {
        try {
          Deno.kill(target, "SIGKILL");
        } catch {
          // gone, or not a group leader
        }
      }
    }
    try {
      for await (const e of Deno.readDir(join(this.root, "tmp"))) {
        problems.push(`left in TMPDIR: ${e.name}${e.isSymlink || e.isFile ? "" : "/"}`);
      }
    } catch {
      // no tmp
    }
    await Deno.remove(this.root, { recursive: true }).catch((err) => {
      problems.push(`cannot remove ${this.root}: ${err.message}`);
    });
    if (problems.length > 0) {
      throw new Error(
        `The Waypoint run did not end cleanly:\n- ${problems.join("\n- ")}\n\nServer log:\n${
          this.#server.log.text.split("\n").slice(-30).join("\n")
        }`,
      );
    }
  }

  /** {@linkcode stop}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}

/**
 * A project on a {@linkcode RealWaypoint}: a folder with its waypoint.hcl, app and plugins.
 *
 * @example Run commands in a project
 * ```ts
 * import assert from "node:assert";
 * import { startWaypoint, type WaypointProject } from "@x/waypoint-plugin/testing";
 * async function lifecycle(project: WaypointProject) {
 *   for (
 *     const cmd of [["build"], ["deploy"], ["status", "-app", "web"], [
 *       "destroy",
 *       "-auto-approve",
 *     ]]
 *   ) {
 *     const r = await project.run(...cmd);
 *     assert.equal(r.code, 0, `${r.command}\n${r.output}`);
 *   }
 * }
 * Deno.test("the whole lifecycle", async () => {
 *   await using wp = await startWaypoint();
 *   await lifecycle(
 *     await wp.project({
 *       hcl:
 *         'project = "e2e"\napp "web" {\n  build {\n    use "myplugin" {}\n  }\n  deploy {\n    use "myplugin" {}\n  }\n}\n',
 *       plugins: [{ name: "myplugin", entry: "main.ts" }],
 *     }),
 *   );
 * });
 * ```
 */
export class WaypointProject {
  /** @internal */
  constructor(
    /** The server and CLI. */
    readonly waypoint: RealWaypoint,
    /** The project folder: where commands run. */
    readonly dir: string,
    /** Its name. */
    readonly name: string,
  ) {}

  /**
   * Runs `waypoint <args>` in the project, with `-plain`, `-vv` (to
   * collect the plugins' log lines) and, for build, deploy, release, up
   * and destroy, `-local=true` added unless given. Pass {@linkcode
   * RunOptions} first to set a timeout, stdin or environment. A run that
   * Waypoint's job-stream stall interrupts (the server finished the job;
   * the CLI never heard) is said on stderr and run once more.
   */
  async run(...args: string[] | [RunOptions, ...string[]]): Promise<WaypointResult> {
    const [opts, words] = typeof args[0] === "object"
      ? [args[0], args.slice(1) as string[]]
      : [{}, args as string[]];
    const full = withHarnessFlags(words);
    for (let attempt = 1;; attempt++) {
      try {
        const r = await this.waypoint.run(full, { ...opts, cwd: this.dir });
        const { rest, cliLog, plugins } = splitLog(r.stderr);
        return {
          ...r,
          stderr: rest,
          output: r.stdout + rest,
          cliLog,
          pluginLogs: plugins,
          command: `waypoint ${full.join(" ")}`,
        };
      } catch (err) {
        if (!(err instanceof StreamStall) || attempt > 1) throw err;
        console.error(`warning: ${err.message.split("\n")[0]}; running it once more`);
      }
    }
  }

  /** Starts `waypoint <args>` as given (for Ctrl-C, `logs`, prompts); see {@linkcode RunningCli}. */
  spawn(args: string[], opts: Omit<RunOptions, "timeoutMs"> = {}): RunningCli {
    return this.waypoint.spawn(args, { ...opts, cwd: this.dir });
  }

  /** The server's jobs (see {@linkcode RealWaypoint.jobs}). */
  jobs(): Promise<Job[]> {
    return this.waypoint.jobs(this.dir);
  }
}

/**
 * Starts a Waypoint 0.11 server of this test's own and bootstraps a CLI
 * context: free 127.0.0.1 ports, the URL service off, HOME, TMPDIR and the
 * database in a fresh temp dir (Deno's and Go's caches are passed on).
 * The CLI is `options.bin`, else `WAYPOINT_BIN`, else `waypoint` on PATH;
 * without one this throws saying how to get it. `await using` stops it all.
 *
 * @example Up, status and destroy through the real Waypoint
 * ```ts ignore
 * import { startWaypoint } from "@x/waypoint-plugin/testing";
 *
 * Deno.test("waypoint up deploys the app", async () => {
 *   await using wp = await startWaypoint();
 *   const project = await wp.project({
 *     hcl: 'project = "e2e"\napp "web" {\n  build {\n    use "myplugin" {}\n  }\n' +
 *       '  deploy {\n    use "myplugin" {}\n  }\n}\n',
 *     files: { "index.html": "<h1>hello</h1>" },
 *     plugins: [{ name: "myplugin", entry: new URL("../main.ts", import.meta.url) }],
 *   });
 *   const up = await project.run("up");
 *   if (up.code !== 0) throw new Error(up.output);
 *   await project.run("destroy", "-auto-approve");
 * });
 * ```
 */
export function startWaypoint(options?: WaypointOptions): Promise<RealWaypoint> {
  return RealWaypoint.start(options);
}
