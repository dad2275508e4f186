/**
 * The platform: deploys the pushed binary into its own directory and starts
 * it in the background on a free loopback port (`PORT`), waits until it
 * answers, and reports `http://127.0.0.1:<port>`. Status asks the app for a
 * page, logs show its output, exec runs commands beside it with its
 * environment, destroy stops it and removes its files; a deploy that fails
 * leaves nothing behind.
 */
import {
  config,
  ConfigError,
  definePlatform,
  defineResources,
  deploymentEnv,
} from "@x/waypoint-plugin";
import { Deployment, Pushed } from "./gen/output.ts";
import { releaseManager } from "./release.ts";
import {
  answers,
  appEnv,
  envFile,
  freePort,
  isApp,
  startApp,
  stopApp,
  tail,
  waitUntilAnswering,
} from "./app_process.ts";
import { join } from "node:path";

interface Target {
  deployment: { id: string; directory: string; binary: string; logFile: string };
  /** Only when creating: the pushed binary, the app's environment and how long to wait. */
  create?: { source: string; env: Record<string, string>; timeoutMs: number };
  signal: AbortSignal;
}

/** The running app's resource state. */
interface AppState {
  pid: number;
  port: number;
}

/** A deployment is its copied binary and the running app; created in order, destroyed in reverse. */
const resources = defineResources<Target>()({
  binary: {
    type: "file",
    platform: "local",
    category: "function",
    async create({ deployment: d, create }): Promise<{ path: string }> {
      await Deno.mkdir(d.directory, { recursive: true });
      await Deno.copyFile(create!.source, d.binary);
      await Deno.chmod(d.binary, 0o755);
      return { path: d.binary };
    },
    async destroy({ deployment: d }) {
      await Deno.remove(d.directory, { recursive: true }).catch(() => {});
    },
    async status(_ctx, state: { path: string }) {
      try {
        await Deno.stat(state.path);
        return { health: "ready", message: `${state.path} is in place` };
      } catch {
        return { health: "missing", message: `${state.path} is gone` };
      }
    },
  },
  process: {
    type: "process",
    platform: "local",
    category: "instance",
    async create({ deployment: d, create, signal }): Promise<AppState> {
      const port = freePort();
      const env = { ...create!.env, PORT: String(port) };
      // exec uses the same environment; the file is private, as it holds the invite token.
      await Deno.writeTextFile(envFile(d.directory), JSON.stringify(env), { mode: 0o600 });
      const app = startApp(d.binary, d.directory, d.logFile, env);
      try {
        await waitUntilAnswering(app, port, create!.timeoutMs, signal);
      } catch (err) {
        await stopApp(app.pid, d.binary);
        if (signal.aborted) throw err;
        const output = await tail(d.logFile);
        throw new Error(
          `${(err as Error).message}; localdeploy runs web apps, which must listen on ` +
            `127.0.0.1:$PORT (PORT=${port} here). ${
              output ? `The app's last output: "${output}"` : "The app printed nothing"
            }`,
        );
      }
      return { pid: app.pid, port };
    },
    async destroy({ deployment: d }, state: AppState) {
      await stopApp(state.pid, d.binary);
    },
    async status({ deployment: d }, state: AppState) {
      const url = `http://127.0.0.1:${state.port}`;
      if (await answers(state.port)) return { health: "ready", message: `answers at ${url}` };
      if (await isApp(state.pid, d.binary)) {
        return {
          health: "alive",
          message: `pid ${state.pid} is running but ${url} does not answer`,
        };
      }
      return { health: "down", message: `the app (pid ${state.pid}) is not running` };
    },
  },
});

/** The states of a recorded deployment's resources, as deploy created them. */
function statesOf(d: Deployment) {
  return { binary: { path: d.binary }, process: { pid: d.pid, port: d.port } };
}

/** The localdeploy Platform. */
export const platform = definePlatform({
  config: config.object({
    directory: config.string({
      default: ".waypoint/deployments",
      doc: "Where deployments are made, relative to the project",
    }),
    env: config.map(config.string({ required: true }), {
      doc: "Environment variables for the app, besides PORT and Waypoint's own",
    }),
    startupTimeout: config.int({
      hcl: "startup_timeout",
      default: 30,
      doc: "How many seconds deploy waits for the app to answer on its port",
    }),
  }),
  input: Pushed,
  output: Deployment,
  url: (d) => d.url,
  defaultReleaser: releaseManager,
  docs: {
    description: "Runs a pushed web app as a local background process on a free loopback port",
  },

  configSet(cfg) {
    if (!(cfg.startupTimeout >= 1)) {
      throw new ConfigError(
        "startup_timeout",
        cfg.startupTimeout,
        "must be at least 1",
        "is too short; give the seconds deploy may wait for the app to answer",
      );
    }
  },

  // Every deployment is its own process on its own port and shares nothing with the others, so
  // each gets a generation of its own: Waypoint never treats a redeploy as an in-place update,
  // and releases and prunes deployments one by one.
  generation: (ctx) => `${ctx.source.app}-${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`,

  async deploy(ctx) {
    const id = ctx.deploymentConfig.id;
    const directory = join(ctx.config.directory, id);
    const d = {
      id,
      directory,
      binary: join(directory, "app"),
      logFile: join(directory, "app.log"),
    };
    using status = ctx.ui.status();
    status.update(`Starting ${id}`);
    const env = appEnv(deploymentEnv(ctx.deploymentConfig), ctx.config.env);
    const create = { source: ctx.artifact.path, env, timeoutMs: ctx.config.startupTimeout * 1000 };
    let states;
    try {
      states = await resources.createAll({ ...ctx, deployment: d, create });
    } catch (err) {
      status.step("error", `Deploy of ${id} failed; nothing was left running`);
      throw err;
    }
    const { pid, port } = states.process!;
    const url = `http://127.0.0.1:${port}`;
    status.step("ok", `Started ${id} (pid ${pid}): it answers at ${url}`);
    return Deployment.create({ ...d, port, pid, url });
  },

  async destroy(ctx) {
    const d = ctx.deployment;
    await resources.destroyAll({ ...ctx, deployment: d }, statesOf(d));
    ctx.ui.output(`Stopped ${d.id} (pid ${d.pid}) and removed ${d.directory}`);
  },

  // Removes the deployments directory once no deployment is left in it.
  async destroyWorkspace(ctx) {
    const left = [];
    try {
      for await (const e of Deno.readDir(ctx.config.directory)) {
        if (e.name !== "current") left.push(e.name);
      }
    } catch {
      return; // already gone
    }
    if (left.length === 0) {
      await Deno.remove(ctx.config.directory, { recursive: true }).catch(() => {});
      ctx.ui.output(`Removed ${ctx.config.directory}`);
    }
  },

  async status(ctx) {
    const d = ctx.deployment;
    const list = await resources.statusAll({ ...ctx, deployment: d }, statesOf(d));
    const app = list.find((r) => r.name === "process")!;
    return { health: app.health, healthMessage: app.healthMessage, resources: list };
  },

  async exec(ctx) {
    const d = ctx.deployment;
    const [cmd, ...args] = ctx.exec.args;
    if (!cmd) {
      await ctx.exec.write("usage: waypoint exec <command> [args…]\n", { stderr: true });
      return 2;
    }
    let env: Record<string, string>;
    try {
      env = JSON.parse(await Deno.readTextFile(envFile(d.directory)));
    } catch {
      await ctx.exec.write(`deployment ${d.id} is gone: ${d.directory} is missing\n`, {
        stderr: true,
      });
      return 1;
    }
    for (const e of ctx.exec.env) {
      const [k, v] = e.split(/=(.*)/s, 2);
      env[k] = v ?? "";
    }
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(cmd, {
        args,
        cwd: d.directory,
        env,
        clearEnv: true,
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
        signal: ctx.signal,
      }).spawn();
    } catch (err) {
      await ctx.exec.write(`cannot run "${cmd}": ${(err as Error).message}\n`, { stderr: true });
      return 127;
    }
    const feed = (async () => {
      const w = child.stdin.getWriter();
      for await (const chunk of ctx.exec.input) await w.write(chunk);
      await w.close();
    })().catch(() => {});
    const pump = async (r: ReadableStream<Uint8Array>, stderr: boolean) => {
      for await (const chunk of r) await ctx.exec.write(chunk, { stderr });
    };
    await Promise.all([pump(child.stdout, false), pump(child.stderr, true)]);
    const { code } = await child.status;
    void feed;
    return code;
  },

  async logs(ctx) {
    const d = ctx.deployment;
    let text = "", mtime = new Date();
    try {
      text = await Deno.readTextFile(d.logFile);
      mtime = (await Deno.stat(d.logFile)).mtime ?? mtime;
    } catch {
      throw new Error(`deployment ${d.id} has no log: ${d.logFile} is gone`);
    }
    const lines = text.split("\n").filter((l) => l !== "");
    const wanted = ctx.logs.limit > 0 ? lines.slice(-ctx.logs.limit) : lines;
    await ctx.logs.send(wanted.map((contents) => ({
      partition: d.id,
      timestamp: mtime,
      contents,
    })));
  },
});
