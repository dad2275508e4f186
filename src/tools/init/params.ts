/**
 * What every template of `init` is filled with, and what it knows of each
 * component it can generate: folder, export, output message, and which
 * stage's output its input is.
 *
 * @module
 */
import { COMPONENT_KINDS } from "../../components/kinds.ts";

/** A component `init` can generate, by the name Waypoint dispenses it by (its kind). */
export type TemplateComponent = "builder" | "registry" | "platform" | "releasemanager";

/** The projects' `deno fmt` line width; the templates are laid out to it. */
export const LINE_WIDTH: number = 100;

/** All components, in lifecycle order (the Go template's four). */
export const ALL_COMPONENTS: TemplateComponent[] = [
  "builder",
  "registry",
  "platform",
  "releasemanager",
];

/** What the templates are filled with. */
export interface TemplateParams {
  /** The plugin name (`waypoint-plugin-<name>`, `use "<name>"`). */
  name: string;
  /** The proto package: the name with `-` as `_`. */
  pkg: string;
  /** Which components to generate. */
  components: TemplateComponent[];
  /** The deno.json `imports` for the toolkit. */
  imports: Record<string, string>;
  /** The toolkit version the project was made with. */
  version: string;
}

/** A message of a template's output.proto: fields are strings or int32s. */
export interface TemplateMessage {
  /** The message name. */
  name: string;
  /** Its comment. */
  doc: string;
  /** Its fields, numbered from 1 in this order. */
  fields: { name: string; type: "string" | "int32"; doc: string }[];
}

/** What the templates know of a component: its folder, export and output message. */
export interface TemplateComponentInfo {
  /** The folder: `<dir>/<dir>.ts`, `<dir>/output.proto`. */
  dir: string;
  /** The name its module exports and `serve()` takes: the component kind's key. */
  exportName: string;
  /** Its output message. */
  message: TemplateMessage;
}

/** The `serve({ … })` key of a component kind, from the one list of kinds. */
function keyOf(kind: TemplateComponent): string {
  return COMPONENT_KINDS.find((k) => k.kind === kind)!.key;
}

/** Each component's folder, output message, and the export name in its module. */
export const COMPONENTS: Record<TemplateComponent, TemplateComponentInfo> = {
  builder: {
    dir: "builder",
    exportName: keyOf("builder"),
    message: {
      name: "Artifact",
      doc: "The build's artifact: a digest of the source files.",
      fields: [
        { name: "source", type: "string", doc: "The directory that was built." },
        { name: "digest", type: "string", doc: "sha256 over the files' paths and contents, hex." },
        { name: "files", type: "int32", doc: "How many files went in." },
      ],
    },
  },
  registry: {
    dir: "registry",
    exportName: keyOf("registry"),
    message: {
      name: "Image",
      doc: "A pushed artifact: a manifest in the local registry directory.",
      fields: [
        { name: "location", type: "string", doc: "Path of the manifest." },
        { name: "ref", type: "string", doc: "What was pushed: a digest or an image reference." },
      ],
    },
  },
  platform: {
    dir: "platform",
    exportName: keyOf("platform"),
    message: {
      name: "Deployment",
      doc: "A deployment: a manifest in the deployments directory.",
      fields: [
        { name: "id", type: "string", doc: "The deployment's id." },
        { name: "location", type: "string", doc: "Path of the deployment manifest." },
        { name: "ref", type: "string", doc: "What was deployed: a digest or an image reference." },
      ],
    },
  },
  releasemanager: {
    dir: "release",
    exportName: keyOf("releasemanager"),
    message: {
      name: "Release",
      doc: "A release: the `current` file naming the released deployment.",
      fields: [
        { name: "url", type: "string", doc: "Where the release is reachable." },
        { name: "deployment_id", type: "string", doc: "The released deployment." },
      ],
    },
  },
};

/** The stage before each component, nearest first: what its input can be. */
const UPSTREAM: Record<TemplateComponent, TemplateComponent[]> = {
  builder: [],
  registry: ["builder"],
  // A platform deploys what the registry pushed, or the build when there is no registry.
  platform: ["registry", "builder"],
  releasemanager: ["platform"],
};

/** A component's input: its import, the `input:` value, and how to name what arrived. */
export interface TemplateInput {
  /** The import line (empty when none is needed). */
  import: string;
  /** The `input:` expression. */
  input: string;
  /** A TypeScript expression naming what arrived (`ctx.artifact.digest`, `ctx.deployment.id`). */
  ref: string;
  /** The builtin type, when the input is one of Waypoint's builtin plugins' outputs. */
  builtin?: "docker.Image" | "docker.Deployment";
}

/**
 * The input of a component: the previous stage's output type when this
 * plugin generates that stage, else the output of Waypoint's own docker
 * plugin (`docker.Image` from its builders and registry, `docker.Deployment`
 * from its platform), typed through `@x/waypoint-plugin/builtin`.
 */
export function inputOf(p: TemplateParams, c: TemplateComponent): TemplateInput {
  const prev = UPSTREAM[c].find((u) => p.components.includes(u));
  const arg = c === "releasemanager" ? "ctx.deployment" : "ctx.artifact";
  const builtinImport = 'import { docker } from "@x/waypoint-plugin/builtin";';
  if (!prev) {
    return c === "releasemanager"
      ? {
        import: builtinImport,
        input: "docker.Deployment",
        ref: `${arg}.id`,
        builtin: "docker.Deployment",
      }
      : {
        import: builtinImport,
        input: "docker.Image",
        ref: `\`\${${arg}.image}:\${${arg}.tag}\``,
        builtin: "docker.Image",
      };
  }
  const { dir, message } = COMPONENTS[prev];
  const field = prev === "builder" ? "digest" : prev === "registry" ? "ref" : "id";
  return {
    import: `import { ${message.name} } from "../${dir}/gen/output.ts";`,
    input: message.name,
    ref: `${arg}.${field}`,
  };
}
