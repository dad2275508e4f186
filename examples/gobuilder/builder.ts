/**
 * The official tutorial's `gobuilder`, in TypeScript: builds a Go app with
 * `go build` and returns where the binary went.
 */
import { config, ConfigError, defineBuilder } from "@x/waypoint-plugin";
import { Binary } from "./gen/output.ts";

/** The `use "gobuilder" { … }` block. */
export const BuildConfig = config.object({
  outputName: config.string({
    hcl: "output_name",
    default: "app",
    doc: "The name of the binary to produce",
  }),
  source: config.string({
    hcl: "source",
    default: "./",
    doc: "The directory holding the Go sources, relative to the project",
  }),
});

/** Joins the source directory and the binary name as the tutorial does (`<source>/<output_name>`). */
export function location(source: string, outputName: string): string {
  return `${source.replace(/\/+$/, "")}/${outputName}`;
}

/** The gobuilder Builder. */
export const builder = defineBuilder({
  config: BuildConfig,
  output: Binary,
  docs: {
    description: "Builds a Go application with `go build`",
    example:
      'build {\n  use "gobuilder" {\n    output_name = "app"\n    source      = "./"\n  }\n}',
  },

  async configSet(cfg) {
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(cfg.source);
    } catch (err) {
      // Not a missing permission: that error names the flag to add (see waypoint.permissions).
      if (!(err instanceof Deno.errors.NotFound)) throw err;
      throw new ConfigError(
        "source",
        cfg.source,
        "must name an existing directory",
        "was not found; set `source` to the folder holding your Go sources",
      );
    }
    if (!info.isDirectory) {
      throw new ConfigError("source", cfg.source, "must name a directory", "is a file");
    }
  },

  async build(ctx) {
    const { outputName, source } = ctx.config;
    using status = ctx.ui.status();
    status.update("Building application");
    ctx.logger.info("running go build", { source, output: outputName });

    const out = await new Deno.Command("go", {
      args: ["build", "-o", outputName],
      cwd: source,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: ctx.signal,
    }).output();

    if (!out.success) {
      status.step("error", "Build failed");
      const compiler = new TextDecoder().decode(out.stderr).trim();
      throw new Error(`go build failed in "${source}":\n${compiler}`);
    }
    status.step("ok", "Application built successfully");
    return Binary.create({ location: location(source, outputName) });
  },
});
