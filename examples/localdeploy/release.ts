/** The release manager: a `current` link that points at the released deployment. */
import { config, defineReleaseManager } from "@x/waypoint-plugin";
import { Deployment, Release } from "./gen/output.ts";
import { dirname, join, resolve } from "node:path";

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** The localdeploy ReleaseManager (also the platform's default releaser). */
export const releaseManager = defineReleaseManager({
  config: config.object({
    link: config.string({
      default: "",
      doc: "The link to create. Default: `current` next to the deployments",
    }),
  }),
  input: Deployment,
  output: Release,
  url: (r) => r.url,
  docs: { description: "Releases a deployment by pointing a `current` link at it" },

  async release(ctx) {
    const link = ctx.config.link || join(dirname(ctx.deployment.directory), "current");
    const target = resolve(ctx.deployment.directory);
    await Deno.remove(link).catch(() => {});
    await Deno.symlink(target, link);
    ctx.resources.declare({
      name: "current",
      type: "symlink",
      platform: "local",
      category: "router",
    });
    ctx.ui.output(`Released ${ctx.deployment.id} at ${link}`, { style: "success" });
    return Release.create({ link, target, url: `file://${resolve(link)}` });
  },

  async destroy(ctx) {
    await Deno.remove(ctx.release.link).catch(() => {});
    ctx.resources.destroy({ name: "current", type: "symlink", platform: "local" });
  },

  async status(ctx) {
    const ok = await exists(ctx.release.link);
    return {
      health: ok ? "ready" : "missing",
      healthMessage: ok
        ? `${ctx.release.link} points at ${ctx.release.target}`
        : `${ctx.release.link} is gone`,
      resources: [{
        name: "current",
        health: ok ? "ready" : "missing",
        type: "symlink",
        platform: "local",
      }],
    };
  },
});
