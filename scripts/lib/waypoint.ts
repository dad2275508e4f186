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
import { declaredPermissions } from "./launcher.ts";
import { type CliResult, type RunningCli, runToEnd, sleep, spawnCli } from "./cli_process.ts";
import { finished, type Job, parseJobs } from "./waypoint_jobs.ts";
import { StreamStall, watchForStall } from "./waypoint_stall.ts";
import { type Server, spawnServer, toolCaches, waitForServer } from "./waypoint_server.ts";

export type { CliResult, RunningCli } from "./cli_process.ts";
export type { Job } from "./waypoint_jobs.ts";
export { StreamStall } from "./waypoint_stall.ts";

const dec = new TextDecoder();

/** A Waypoint server of this test's own and the CLI that talks to it. */
export class Waypoint implements AsyncDisposable {
  #server: Server;
  #running = new Set<RunningCli>();
  #stopped = false;

  private constructor(
    /** The temp dir holding everything: `home`, `tmp`, the database and the projects. */
    readonly root: string,
    /** The CLI binary. */
    readonly bin: string,
    /** The environment every CLI command and plugin gets. */
    readonly env: Record<string, string>,
    server: Server,
  ) {
    this.#server = server;
    this.addr = server.addr;
  }

  /** `127.0.0.1:<port>` of the server's gRPC listener. */
  readonly addr: string;

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
    const wp = new Waypoint(root, bin, env, spawnServer(bin, root, env));
    try {
      await waitForServer(wp.#server);
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
        // The examples share this repository's deno.json: what each would declare in its own.
        ...declaredPermissions(join(REPO, entry)).flatMap((p) => ["--allow", p]),
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
   * Runs `waypoint <args>` to its end. After `timeoutMs` it is interrupted
   * (SIGINT, so the job it holds ends properly) and this throws.
   */
  async run(
    args: string[],
    opts: { cwd: string; stdin?: string; env?: Record<string, string>; timeoutMs?: number },
  ): Promise<CliResult> {
    const since = Date.now();
    const cli = this.spawn(args, opts);
    const over = new AbortController();
    try {
      return await Promise.race([
        runToEnd(cli, args, opts.timeoutMs ?? 180_000),
        watchForStall(cli, args.join(" "), since, () => this.jobs(opts.cwd), over.signal),
      ]);
    } catch (err) {
      if (err instanceof StreamStall) {
        // Its job is over, so Ctrl-C holds no lock; wait for it so nothing is left running.
        cli.interrupt();
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([cli.result(), new Promise((r) => timer = setTimeout(r, 20_000))]);
        clearTimeout(timer);
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
      const open = (await this.jobs()).filter((j) => !finished(j));
      for (const j of open) problems.push(`job ${j.id} (${j.operation}) is still ${j.state}`);
    } catch (err) {
      problems.push(`cannot list jobs: ${(err as Error).message}`);
    }
    try {
      Deno.kill(this.#server.process.pid, "SIGINT");
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
          this.#server.log.text.split("\n").slice(-30).join("\n")
        }`,
      );
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
