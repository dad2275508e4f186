/**
 * Each component's module, `<dir>/<dir>.ts`: a small working example of
 * the component that the project's tests drive, typed by its output message
 * and by the stage before it.
 *
 * @module
 */
import {
  COMPONENTS,
  inputOf,
  LINE_WIDTH,
  type TemplateComponent,
  type TemplateParams,
} from "./params.ts";

/**
 * The \`templateFields:\` lines of a component's docs: each output field's
 * description, from the output.proto's own field comments.
 */
function templateFields(c: TemplateComponent): string {
  const lines = COMPONENTS[c].message.fields.map((f) => {
    const line = `      ${f.name}: ${JSON.stringify(f.doc)},`;
    return line.length <= LINE_WIDTH ? line : `      ${f.name}:\n        ${JSON.stringify(f.doc)},`;
  });
  return `    templateFields: {\n${lines.join("\n")}\n    },`;
}

const DIGEST_HELPER = `/** sha256 of \`data\`, hex. */
export async function sha256(data: Uint8Array<ArrayBuffer> | string): Promise<string> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const hash = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
`;

/** The builder's docs example, wrapped as `deno fmt` wraps it when a long name makes it too wide. */
function builderExample(p: TemplateParams): string {
  const value = `'build {\\n  use "${p.name}" {\\n    source = "./"\\n  }\\n}',`;
  const line = `    example: ${value}`;
  return line.length <= LINE_WIDTH ? line.trimStart() : `example:\n      ${value}`;
}

function builderModule(p: TemplateParams): string {
  return `/** The ${p.name} builder: records a digest of the app's source files. */
import { config, ConfigError, defineBuilder } from "@x/waypoint-plugin";
import { join, relative } from "node:path";
import { Artifact } from "./gen/output.ts";

${DIGEST_HELPER}
async function files(dir: string, out: string[] = []): Promise<string[]> {
  for await (const e of Deno.readDir(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory && !e.name.startsWith(".")) await files(path, out);
    else if (e.isFile) out.push(path);
  }
  return out.sort();
}

/** The builder. */
export const builder = defineBuilder({
  config: config.object({
    source: config.string({
      default: "./",
      doc: "The directory to build, relative to the project",
    }),
  }),
  output: Artifact,
  docs: {
    description: "Builds the app (here: records a digest of its source files)",
    ${builderExample(p)}
${templateFields("builder")}
  },

  async configSet(cfg) {
    let info: Deno.FileInfo | undefined;
    try {
      info = await Deno.stat(cfg.source);
    } catch (err) {
      // A missing permission names its flag (see waypoint.permissions in deno.json).
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
    if (!info?.isDirectory) {
      throw new ConfigError(
        "source",
        cfg.source,
        "must name an existing directory",
        info ? "is not a directory" : "was not found",
      );
    }
  },

  async build(ctx) {
    using status = ctx.ui.status();
    status.update("Building application");
    const list = await files(ctx.config.source);
    const parts: string[] = [];
    for (const f of list) {
      parts.push(relative(ctx.config.source, f), await sha256(await Deno.readFile(f)));
    }
    const digest = await sha256(parts.join("\\n"));
    ctx.logger.info("built", { files: list.length, digest });
    status.step("ok", \`Application built successfully (\${list.length} files)\`);
    return Artifact.create({ source: ctx.config.source, digest, files: list.length });
  },
});
`;
}

function registryModule(p: TemplateParams): string {
  const { import: imports, input, ref } = inputOf(p, "registry");
  return `/** The ${p.name} registry: writes a manifest of the artifact into a local directory. */
import { config, defineRegistry } from "@x/waypoint-plugin";
import { join } from "node:path";
${imports}
import { Image } from "./gen/output.ts";

/** The registry. */
export const registry = defineRegistry({
  config: config.object({
    directory: config.string({ default: ".waypoint/registry", doc: "Where manifests are written" }),
  }),
  input: ${input},
  output: Image,
  docs: {
    description: "Pushes the artifact (here: writes a manifest into a local directory)",
${templateFields("registry")}
  },

  async push(ctx) {
    using status = ctx.ui.status();
    status.update("Pushing artifact");
    const ref = ${ref};
    await Deno.mkdir(ctx.config.directory, { recursive: true });
    const location = join(ctx.config.directory, \`\${ref.replace(/[^\\w.-]/g, "_")}.json\`);
    await Deno.writeTextFile(location, JSON.stringify({ app: ctx.source.app, ref }));
    status.step("ok", \`Pushed \${ref} to \${location}\`);
    return Image.create({ location, ref });
  },
});
`;
}

function platformModule(p: TemplateParams): string {
  const { import: imports, input, ref } = inputOf(p, "platform");
  return `/** The ${p.name} platform: writes a deployment manifest; destroy removes it. */
import { config, definePlatform } from "@x/waypoint-plugin";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
${imports}
import { Deployment } from "./gen/output.ts";

/** The platform. */
export const platform = definePlatform({
  config: config.object({
    directory: config.string({
      default: ".waypoint/deployments",
      doc: "Where deployment manifests are written",
    }),
  }),
  input: ${input},
  output: Deployment,
  url: (d) => pathToFileURL(d.location).href,
  docs: {
    description: "Deploys the artifact (here: writes a deployment manifest)",
${templateFields("platform")}
  },

  async deploy(ctx) {
    using status = ctx.ui.status();
    status.update("Deploying");
    const id = ctx.deploymentConfig.id;
    const ref = ${ref};
    await Deno.mkdir(ctx.config.directory, { recursive: true });
    const location = join(ctx.config.directory, \`\${id}.json\`);
    await Deno.writeTextFile(location, JSON.stringify({ id, ref }));
    ctx.resources.declare({ name: "manifest", type: "file", platform: "local" });
    status.step("ok", \`Deployed \${ref} as \${id}\`);
    return Deployment.create({ id, location, ref });
  },

  async destroy(ctx) {
    await Deno.remove(ctx.deployment.location).catch(() => {});
    ctx.resources.destroy({ name: "manifest", type: "file", platform: "local" });
  },

  async status(ctx) {
    const ok = await Deno.stat(ctx.deployment.location).then(() => true, () => false);
    return { health: ok ? "ready" : "missing", healthMessage: ctx.deployment.location };
  },
});
`;
}

function releaseManagerModule(p: TemplateParams): string {
  const { import: imports, input, ref } = inputOf(p, "releasemanager");
  return `/** The ${p.name} release manager: records the released deployment in a \`current\` file. */
import { config, defineReleaseManager } from "@x/waypoint-plugin";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
${imports}
import { Release } from "./gen/output.ts";

/** The release manager. */
export const releaseManager = defineReleaseManager({
  config: config.object({
    directory: config.string({
      default: ".waypoint/releases",
      doc: "Where the current file is written",
    }),
  }),
  input: ${input},
  output: Release,
  url: (r) => r.url,
  docs: {
    description: "Releases a deployment (here: writes its id into a \`current\` file)",
${templateFields("releasemanager")}
  },

  async release(ctx) {
    const id = ${ref};
    await Deno.mkdir(ctx.config.directory, { recursive: true });
    const current = join(ctx.config.directory, "current");
    await Deno.writeTextFile(current, id);
    ctx.ui.output(\`Released \${id}\`, { style: "success" });
    return Release.create({ url: pathToFileURL(current).href, deploymentId: id });
  },

  async destroy(ctx) {
    await Deno.remove(fileURLToPath(ctx.release.url)).catch(() => {});
  },
});
`;
}

const MODULES: Record<TemplateComponent, (p: TemplateParams) => string> = {
  builder: builderModule,
  registry: registryModule,
  platform: platformModule,
  releasemanager: releaseManagerModule,
};

/** `<component>/<component>.ts`. */
export function componentModule(p: TemplateParams, c: TemplateComponent): string {
  return MODULES[c](p);
}
