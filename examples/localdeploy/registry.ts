/** The registry: copies the gobuilder's binary into a local directory, named by its digest. */
import { config, defineRegistry } from "@x/waypoint-plugin";
import { Binary } from "../gobuilder/gen/output.ts";
import { AccessInfo, Pushed } from "./gen/output.ts";
import { join } from "node:path";

/** sha256 of a file, hex. */
export async function digestOf(path: string): Promise<string> {
  const hash = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The localdeploy Registry. */
export const registry = defineRegistry({
  config: config.object({
    directory: config.string({
      default: ".waypoint/registry",
      doc: "Where pushed binaries are kept, relative to the project",
    }),
  }),
  input: Binary,
  output: Pushed,
  docs: { description: "Pushes a built binary into a local directory" },

  async push(ctx) {
    using status = ctx.ui.status();
    status.update(`Pushing ${ctx.artifact.location}`);
    const digest = await digestOf(ctx.artifact.location);
    await Deno.mkdir(ctx.config.directory, { recursive: true });
    const path = join(ctx.config.directory, `${ctx.source.app}-${digest.slice(0, 12)}`);
    await Deno.copyFile(ctx.artifact.location, path);
    await Deno.chmod(path, 0o755);
    status.step("ok", `Pushed to ${path}`);
    return Pushed.create({ path, digest });
  },

  // "Authentication" for a local directory: it must exist and be writable.
  auth: {
    async auth(ctx) {
      await Deno.mkdir(ctx.config.directory, { recursive: true });
      ctx.ui.output(`Created ${ctx.config.directory}`);
      return true;
    },
    async validateAuth(ctx) {
      const probe = join(ctx.config.directory, ".write-test");
      try {
        await Deno.writeTextFile(probe, "");
        await Deno.remove(probe);
      } catch (err) {
        throw new Error(
          `cannot write to the registry directory "${ctx.config.directory}": ${
            (err as Error).message
          }; run \`waypoint auth\` to create it`,
        );
      }
    },
  },

  access(ctx) {
    return AccessInfo.create({ directory: ctx.config.directory });
  },
});
