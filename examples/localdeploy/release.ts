/**
 * The release manager: a `current` link next to the deployments that points
 * at the released deployment's directory (the stable name for "what is
 * live"); the release's URL is that deployment's.
 */
import { config, defineReleaseManager } from "@x/waypoint-plugin";
import { Deployment, Release } from "./gen/output.ts";
import { answers } from "./app_process.ts";
import { dirname, join, resolve } from "node:path";

async function linkTarget(path: string): Promise<string | undefined> {
  try {
    return await Deno.readLink(path);
  } catch {
    return undefined;
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
    // A new link renamed over the old one: there is always a `current`, never a missing one.
    const next = `${link}.next`;
    await Deno.remove(next).catch(() => {});
    await Deno.symlink(target, next);
    await Deno.rename(next, link);
    ctx.resources.declare({
      name: "current",
      type: "symlink",
      platform: "local",
      category: "router",
    });
    ctx.ui.output(`Released ${ctx.deployment.id} at ${link} → ${ctx.deployment.url}`, {
      style: "success",
    });
    return Release.create({ link, target, url: ctx.deployment.url });
  },

  // Waypoint also destroys old releases when it prunes their deployments: the link goes only
  // when it still points at this release's deployment.
  async destroy(ctx) {
    if ((await linkTarget(ctx.release.link)) === ctx.release.target) {
      await Deno.remove(ctx.release.link).catch(() => {});
    }
    ctx.resources.destroy({ name: "current", type: "symlink", platform: "local" });
  },

  async status(ctx) {
    const r = ctx.release;
    const points = (await linkTarget(r.link)) === r.target;
    const port = Number(new URL(r.url || "http://127.0.0.1:0").port);
    const up = points && port > 0 && await answers(port);
    const health = !points ? "missing" : up ? "ready" : "down";
    const healthMessage = !points
      ? `${r.link} does not point at ${r.target}`
      : up
      ? `${r.link} points at ${r.target}, which answers at ${r.url}`
      : `${r.link} points at ${r.target}, but ${r.url} does not answer`;
    return {
      health,
      healthMessage,
      resources: [{ name: "current", health, healthMessage, type: "symlink", platform: "local" }],
    };
  },
});
