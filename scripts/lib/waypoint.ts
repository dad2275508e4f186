/**
 * A real Waypoint v0.11.4 for one test: its own server (`waypoint server
 * run` on free 127.0.0.1 ports, URL service off, database and HOME in a
 * fresh temp dir), bootstrapped into a CLI context, and the CLI run in
 * projects under that dir. Disposing it stops the server and fails the test
 * if any process, socket or file of the run is left behind.
 *
 * Why one server per test: a Waypoint job holds a lock on its
 * project/app/workspace while it runs. A deploy, release or destroy whose
 * CLI (and so its in-process local runner) dies without reporting the end
 * stays "running" until the server's 2-minute heartbeat timeout, and every
 * later deploy, release or destroy of that app waits behind it — a local
 * job gives up after 30 s ("Waiting for runner assignment…", then
 * `canceled`). So no test shares a server, the CLI is never SIGKILLed while
 * it may hold a job (a timeout sends SIGINT first and waits), and each test
 * ends by checking that no job is left unfinished.
 */
import { join, resolve } from "./path.ts";
import { REPO } from "./repo.ts";
import { waypointBinary } from "../waypoint_cli.ts";
import { processesLeftIn } from "./processes.ts";

const dec = new TextDecoder();

/** What one CLI command did. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout then stderr, for messages. */
  output: string;
  ms: number;
}

/** A CLI command still running (for `logs` and Ctrl-C). */
export interface RunningCli {
  readonly pid: number;
  /** What it has printed so far (stdout and stderr interleaved as read). */
  output(): string;
  /** Resolves once `test(output)` holds; rejects after `timeoutMs` or when the command ends first. */
  waitFor(test: (output: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Ctrl-C as a terminal sends it: SIGINT to the command's whole process group. */
  interrupt(): void;
  /** Waits for the end. */
  result(): Promise<CliResult>;
}

/** One job as `waypoint job list -json` shows it. */
export interface Job {
  id: string;
  state: string;
  operation: string;
}

let denoDir: Promise<string> | undefined;
let goEnv: Promise<Record<string, string>> | undefined;

/**
 * The caches the plugins and `go build` need, which a HOME in a temp dir
 * would otherwise hide: Deno's (the launcher runs `deno run`; npm packages
 * are cached there) and Go's (a cold build cache would compile the standard
 * library inside the timed test).
 */
async function toolCaches(): Promise<Record<string, string>> {
  denoDir ??= (async () => {
    const out = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"] }).output();
    return JSON.parse(dec.decode(out.stdout)).denoDir as string;
  })();
  goEnv ??= (async () => {
    const out = await new Deno.Command("go", {
      args: ["env", "-json", "GOCACHE", "GOMODCACHE", "GOPATH", "GOENV"],
    }).output();
    if (!out.success) throw new Error(`go env failed: ${dec.decode(out.stderr)}`);
    return JSON.parse(dec.decode(out.stdout));
  })();
  return { DENO_DIR: await denoDir, ...(await goEnv) };
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function canConnect(port: number): Promise<boolean> {
  try {
    (await Deno.connect({ hostname: "127.0.0.1", port })).close();
    return true;
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Parses the concatenated JSON objects `waypoint … -json` prints. */
function jsonObjects(text: string): Record<string, unknown>[] {
  const out = [];
  let depth = 0, start = -1, inString = false, escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === "\\") escaped = true;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{") {
      if (depth++ === 0) start = i;
    } else if (c === "}" && --depth === 0) out.push(JSON.parse(text.slice(start, i + 1)));
  }
  return out;
}

/** A Waypoint server of this test's own and the CLI that talks to it. */
export class Waypoint implements AsyncDisposable {
  #server: Deno.ChildProcess;
  #serverLog: { text: string };
  #running = new Set<RunningCli>();
  #stopped = false;

  private constructor(
    /** The temp dir holding everything: `home`, `tmp`, the database and the projects. */
    readonly root: string,
    /** The CLI binary. */
    readonly bin: string,
    /** The environment every CLI command and plugin gets. */
    readonly env: Record<string, string>,
    /** `127.0.0.1:<port>` of the server's gRPC listener. */
    readonly addr: string,
    server: Deno.ChildProcess,
    serverLog: { text: string },
  ) {
    this.#server = server;
    this.#serverLog = serverLog;
  }

  /**
   * Gets the CLI (building it once; see scripts/waypoint_cli.ts), starts a
   * server and bootstraps a context. Throws with the reason when any of it
   * fails.
   */
  static async start(): Promise<Waypoint> {
    if (Deno.build.os !== "linux") {
      throw new Error(
        "The end-to-end tests look for leftover processes in /proc: run them on Linux",
      );
    }
    let bin: string;
    try {
      bin = await waypointBinary();
    } catch (err) {
      throw new Error(
        `Cannot get the Waypoint CLI for the end-to-end tests: ${(err as Error).message}`,
      );
    }
    const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "waypoint-e2e-" }));
    const home = join(root, "home");
    const tmp = join(root, "tmp");
    await Deno.mkdir(home);
    await Deno.mkdir(tmp);
    const env = {
      ...(await toolCaches()),
      HOME: home,
      TMPDIR: tmp,
      XDG_CONFIG_HOME: join(home, ".config"),
      XDG_DATA_HOME: join(home, ".local", "share"),
      XDG_CACHE_HOME: join(home, ".cache"),
    };
    const grpc = freePort();
    let http = freePort();
    while (http === grpc) http = freePort();
    const server = new Deno.Command(bin, {
      args: [
        "server",
        "run",
        "-accept-tos",
        `-db=${join(root, "data.db")}`,
        `-listen-grpc=127.0.0.1:${grpc}`,
        `-listen-http=127.0.0.1:${http}`,
        "-url-enabled=false",
      ],
      cwd: root,
      env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const log = { text: "" };
    for (const s of [server.stdout, server.stderr]) {
      (async () => {
        for await (const chunk of s.pipeThrough(new TextDecoderStream())) log.text += chunk;
      })().catch(() => {});
    }
    let exited = false;
    server.status.then(() => exited = true);
    const wp = new Waypoint(root, bin, env, `127.0.0.1:${grpc}`, server, log);
    try {
      const deadline = performance.now() + 60_000;
      while (!(await canConnect(grpc))) {
        if (exited) throw new Error(`waypoint server run exited at start:\n${log.text}`);
        if (performance.now() > deadline) {
          throw new Error(
            `waypoint server run did not listen on ${wp.addr} within 60 s:\n${log.text}`,
          );
        }
        await sleep(100);
      }
      const boot = await wp.run(
        ["server", "bootstrap", `-server-addr=${wp.addr}`, "-server-tls-skip-verify"],
        { cwd: root },
      );
      if (boot.code !== 0) throw new Error(`waypoint server bootstrap failed:\n${boot.output}`);
    } catch (err) {
      await wp.stop().catch(() => {});
      throw err;
    }
    return wp;
  }

  /** Copies `files` (relative path → source path or contents) into a new project folder. */
  async project(name: string, files: Record<string, string | { from: string }>): Promise<string> {
    const dir = join(this.root, name);
    for (const [rel, what] of Object.entries(files)) {
      const path = join(dir, rel);
      await Deno.mkdir(resolve(path, ".."), { recursive: true });
      if (typeof what === "string") await Deno.writeTextFile(path, what);
      else await Deno.copyFile(what.from, path);
    }
    return dir;
  }

  /** Installs one of our example plugins into the project with `install --dev`, as a user would. */
  async installPlugin(
    project: string,
    name: string,
    entry = `examples/${name}/main.ts`,
  ): Promise<void> {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        join(REPO, "src", "tools", "install.ts"),
        "--dev",
        "--name",
        name,
        "--entry",
        join(REPO, entry),
        "--project",
        project,
      ],
      cwd: REPO,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      throw new Error(`install --dev of ${name} failed:\n${dec.decode(out.stderr)}`);
    }
  }

  /** Starts `waypoint <args>` in `cwd`, in a process group of its own (like a terminal's job). */
  spawn(
    args: string[],
    opts: { cwd: string; stdin?: string; env?: Record<string, string> },
  ): RunningCli {
    const started = performance.now();
    const child = new Deno.Command(this.bin, {
      args,
      cwd: opts.cwd,
      env: { ...this.env, ...opts.env },
      detached: true,
      stdin: opts.stdin === undefined ? "null" : "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    if (opts.stdin !== undefined) {
      const w = child.stdin.getWriter();
      w.write(new TextEncoder().encode(opts.stdin)).then(() => w.close()).catch(() => {});
    }
    let stdout = "", stderr = "", both = "";
    const reads = [
      (async () => {
        for await (const c of child.stdout.pipeThrough(new TextDecoderStream())) {
          stdout += c;
          both += c;
        }
      })(),
      (async () => {
        for await (const c of child.stderr.pipeThrough(new TextDecoderStream())) {
          stderr += c;
          both += c;
        }
      })(),
    ];
    let done = false;
    const result = (async (): Promise<CliResult> => {
      const s = await child.status;
      await Promise.all(reads);
      done = true;
      return {
        code: s.code,
        stdout,
        stderr,
        output: stdout + stderr,
        ms: performance.now() - started,
      };
    })();
    const cli: RunningCli = {
      pid: child.pid,
      output: () => both,
      async waitFor(test, timeoutMs = 60_000) {
        const deadline = performance.now() + timeoutMs;
        while (!test(both)) {
          if (done) {
            throw new Error(`waypoint ${args[0]} ended before the expected output:\n${both}`);
          }
          if (performance.now() > deadline) {
            throw new Error(
              `waypoint ${args[0]}: expected output not seen in ${timeoutMs} ms:\n${both}`,
            );
          }
          await sleep(50);
        }
        return both;
      },
      interrupt() {
        try {
          Deno.kill(-child.pid, "SIGINT");
        } catch {
          // already gone
        }
      },
      result: () => result,
    };
    this.#running.add(cli);
    result.finally(() => this.#running.delete(cli)).catch(() => {});
    return cli;
  }

  /**
   * Runs `waypoint <args>` to its end. After `timeoutMs` it is interrupted
   * (SIGINT, so the job it holds ends properly) and this throws.
   */
  async run(
    args: string[],
    opts: { cwd: string; stdin?: string; env?: Record<string, string>; timeoutMs?: number },
  ): Promise<CliResult> {
    const cli = this.spawn(args, opts);
    const timeoutMs = opts.timeoutMs ?? 180_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<"timeout">((r) =>
      timer = setTimeout(() => r("timeout"), timeoutMs)
    );
    const first = await Promise.race([cli.result(), timedOut]);
    clearTimeout(timer);
    if (first !== "timeout") return first;
    cli.interrupt();
    const late = await Promise.race([cli.result(), sleep(20_000).then(() => undefined)]);
    if (!late) {
      try {
        Deno.kill(-cli.pid, "SIGKILL");
      } catch {
        // gone
      }
    }
    throw new Error(
      `waypoint ${args.join(" ")} did not end within ${timeoutMs / 1000} s; interrupted. ` +
        `Output:\n${cli.output()}`,
    );
  }

  /** Every job the server knows, oldest last (as `waypoint job list` orders them). */
  async jobs(cwd: string = this.root): Promise<Job[]> {
    const r = await this.run(["job", "list", "-json"], { cwd });
    if (r.code !== 0) throw new Error(`waypoint job list failed:\n${r.output}`);
    return jsonObjects(r.stdout).map((j) => ({
      id: String(j.id),
      state: String(j.state),
      operation: Object.keys(j).find((k) =>
        [
          "build",
          "push",
          "deploy",
          "release",
          "destroy",
          "up",
          "exec",
          "logs",
          "init",
          "noop",
          "statusReport",
          "validate",
          "auth",
          "docs",
          "configSync",
          "poll",
          "queueProject",
          "watchTask",
          "startTask",
          "stopTask",
        ].includes(k)
      ) ?? "?",
    }));
  }

  /**
   * Checks that no job is unfinished, stops the server (SIGINT) and checks
   * that nothing of the run is left: no process in the temp dir, no socket
   * or file in its TMPDIR. Then removes the temp dir. Throws listing what
   * was wrong (after cleaning it up, so one failure does not cascade).
   */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    const problems: string[] = [];
    for (const cli of this.#running) {
      problems.push(`a CLI command was still running (pid ${cli.pid}); interrupted`);
      cli.interrupt();
      await Promise.race([cli.result(), sleep(20_000)]);
    }
    try {
      const open = (await this.jobs()).filter((j) => !["SUCCESS", "ERROR"].includes(j.state));
      for (const j of open) problems.push(`job ${j.id} (${j.operation}) is still ${j.state}`);
    } catch (err) {
      problems.push(`cannot list jobs: ${(err as Error).message}`);
    }
    try {
      Deno.kill(this.#server.pid, "SIGINT");
    } catch {
      // already gone
    }
    const ended = await Promise.race([this.#server.status, sleep(20_000).then(() => undefined)]);
    if (!ended) {
      problems.push("the server did not stop within 20 s of SIGINT; killed");
      this.#server.kill("SIGKILL");
      await this.#server.status;
    }
    // Plugins exit when their host goes; give stragglers a moment before calling them leftovers.
    const left = await processesLeftIn(this.root);
    for (const p of left) {
      problems.push(`process left running: ${p}`);
      try {
        Deno.kill(Number(p.split(" ")[1].replace(":", "")), "SIGKILL");
      } catch {
        // gone
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
          this.#serverLog.text.split("\n").slice(-30).join("\n")
        }`,
      );
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
