/**
 * The platform: deploys the pushed binary into its own directory, runs it
 * once (its output is the deployment's log), and supports destroy, status,
 * exec, logs, generation and a default releaser.
 */
import { config, definePlatform, defineResources, deploymentEnv } from "@x/waypoint-plugin";
import { Deployment, Pushed } from "./gen/output.ts";
import { releaseManager } from "./release.ts";
import { join, resolve } from "node:path";

interface Target {
  deployment: { id: string; directory: string; binary: string; logFile: string };
  source: string;
  signal: AbortSignal;
  /** What Waypoint's entrypoint would need to reach the server from the deployment. */
  env?: Record<string, string>;
}

/** A deployment is its copied binary and one run of it; created in order, destroyed in reverse. */
const resources = defineResources<Target>()({
  binary: {
    type: "file",
    platform: "local",
    category: "function",
    async create({ deployment: d, source }): Promise<{ path: string }> {
      await Deno.mkdir(d.directory, { recursive: true });
      await Deno.copyFile(source, d.binary);
      await Deno.chmod(d.binary, 0o755);
      return { path: d.binary };
    },
    async destroy(_ctx, state: { path: string }) {
      await Deno.remove(join(state.path, ".."), { recursive: true }).catch(() => {});
    },
  },
  run: {
    type: "process",
    platform: "local",
    category: "instance",
    async create({ deployment: d, signal, env }): Promise<{ exitCode: number }> {
      const run = await new Deno.Command(resolve(d.binary), {
        cwd: d.directory,
        env,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        signal,
      }).output();
      await Deno.writeFile(d.logFile, run.stdout);
      return { exitCode: run.code };
    },
  },
});

/** The localdeploy Platform. */
export const platform = definePlatform({
  config: config.object({
    directory: config.string({
      default: ".waypoint/deployments",
      doc: "Where deployments are made, relative to the project",
    }),
  }),
  input: Pushed,
  output: Deployment,
  url: (d) => `file://${resolve(d.binary)}`,
  defaultReleaser: releaseManager,
  docs: { description: "Deploys a pushed binary into a local directory and runs it" },

  generation: (ctx) => `${ctx.source.app}-${ctx.artifact.digest.slice(0, 12)}`,

  async deploy(ctx) {
    const id = ctx.deploymentConfig.id;
    const directory = join(ctx.config.directory, id);
    const binary = join(directory, "app");
    const logFile = join(directory, "output.log");
    using status = ctx.ui.status();
    status.update(`Deploying ${id}`);
    const states = await resources.createAll({
      ...ctx,
      deployment: { id, directory, binary, logFile },
      source: ctx.artifact.path,
      env: deploymentEnv(ctx.deploymentConfig),
    });
    const code = states.run?.exitCode ?? -1;
    status.step(code === 0 ? "ok" : "error", `Deployed ${id} (the app exited ${code})`);
    return Deployment.create({ id, directory, binary, logFile });
  },

  async destroy(ctx) {
    // The states are what deploy recorded; here they follow from the deployment itself.
    await resources.destroyAll({ ...ctx, source: "" }, {
      binary: { path: ctx.deployment.binary },
      run: { exitCode: 0 },
    });
    ctx.ui.output(`Destroyed ${ctx.deployment.id}`);
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
    let ok = true;
    try {
      await Deno.stat(ctx.deployment.binary);
    } catch {
      ok = false;
    }
    return {
      health: ok ? "ready" : "missing",
      healthMessage: ok ? "the binary is in place" : `${ctx.deployment.binary} is gone`,
      resources: [{
        name: "binary",
        health: ok ? "ready" : "missing",
        type: "file",
        platform: "local",
        category: "function",
        declaredResource: "binary",
      }],
    };
  },

  async exec(ctx) {
    const [cmd, ...args] = ctx.exec.args;
    if (!cmd) {
      await ctx.exec.write("usage: waypoint exec <command> [args…]\n", { stderr: true });
      return 2;
    }
    const child = new Deno.Command(cmd, {
      args,
      cwd: ctx.deployment.directory,
      env: Object.fromEntries(ctx.exec.env.map((e) => e.split(/=(.*)/s, 2) as [string, string])),
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      signal: ctx.signal,
    }).spawn();
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
    const text = await Deno.readTextFile(ctx.deployment.logFile);
    const stat = await Deno.stat(ctx.deployment.logFile);
    const lines = text.split("\n").filter((l) => l !== "");
    const wanted = ctx.logs.limit > 0 ? lines.slice(-ctx.logs.limit) : lines;
    await ctx.logs.send(wanted.map((contents) => ({
      partition: ctx.deployment.id,
      timestamp: stat.mtime ?? new Date(),
      contents,
    })));
  },
});
