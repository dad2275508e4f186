/**
 * `@x/waypoint-plugin/builtin`: our `.proto` files for Waypoint's builtin
 * plugins are equal to the definitions in the Waypoint v0.11.4 module
 * (downloaded through the Go module proxy when not cached), package by
 * package: every message, nested message and enum, every field's name,
 * number, type, label and oneof. Then the proof on the wire: a builder
 * written with the Go SDK whose docker.Image is a message of the descriptor
 * protoc generated for Waypoint, built and pushed by the Go host into our
 * registry, which takes `input: docker.Image` typed.
 */
import protobuf from "protobufjs";
import { assert, assertEquals, assertStringIncludes } from "./support/assert.ts";
import { join } from "./support/path.ts";
import { goModuleDir } from "./support/go_module.ts";
import { goBuiltinBinary, makeLauncher, REPO, runHost, tempDir } from "./support/host.ts";
import { docker, ecr, files, pack } from "../src/builtin/mod.ts";

const WAYPOINT = ["github.com/hashicorp/waypoint", "v0.11.4"] as const;
// The opaqueany Waypoint v0.11.4 requires (its go.mod): docker.Deployment holds an opaqueany.Any.
const OPAQUEANY = ["github.com/hashicorp/opaqueany", "v0.0.0-20220321170339-a5c6ff5bb0ec"] as const;

/** Each package we define, and the builtin's file in the Waypoint module. */
const PACKAGES: Record<string, string> = {
  docker: "builtin/docker/plugin.proto",
  files: "builtin/files/plugin.proto",
  pack: "builtin/pack/plugin.proto",
  ecr: "builtin/aws/ecr/plugin.proto",
};

/** Loads a .proto file; `imports` maps an import path to the file that provides it. */
function load(file: string, imports: Record<string, string>): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin: string, target: string): string => imports[target] ?? target;
  root.loadSync(file, { keepCase: true });
  root.resolveAll();
  return root;
}

type Description = Record<string, unknown>;

/** Everything the wire depends on in a namespace, in an order-independent form. */
function describe(ns: protobuf.NamespaceBase): Description {
  const out: Description = {};
  for (const child of [...ns.nestedArray].sort((a, b) => a.name.localeCompare(b.name))) {
    if (child instanceof protobuf.Type) {
      out[child.name] = {
        fields: child.fieldsArray.map((f) => ({
          name: f.name,
          number: f.id,
          type: f.resolvedType ? f.resolvedType.fullName : f.type,
          label: f instanceof protobuf.MapField
            ? `map<${f.keyType}>`
            : f.repeated
            ? "repeated"
            : f.options?.proto3_optional
            ? "optional"
            : "",
          oneof: f.partOf?.name ?? "",
        })).sort((a, b) => a.number - b.number),
        oneofs: Object.fromEntries(
          child.oneofsArray.map((o) => [o.name, [...o.oneof].sort()]),
        ),
        reserved: child.reserved ?? [],
        nested: describe(child),
      };
    } else if (child instanceof protobuf.Enum) {
      out[child.name] = { enum: child.values, reserved: child.reserved ?? [] };
    } else if (child instanceof protobuf.Namespace) {
      out[child.name] = { package: describe(child) };
    }
  }
  return out;
}

function ours(pkg: string): Description {
  const root = load(join(REPO, "proto", "builtin", `${pkg}.proto`), {
    "opaqueany/any.proto": join(REPO, "proto", "opaqueany", "any.proto"),
  });
  return describe(root.lookup(pkg) as protobuf.Namespace);
}

async function upstream(pkg: string): Promise<Description> {
  const dir = await goModuleDir(...WAYPOINT);
  const root = load(join(dir, PACKAGES[pkg]), {
    "any.proto": join(await goModuleDir(...OPAQUEANY), "any.proto"),
  });
  return describe(root.lookup(pkg) as protobuf.Namespace);
}

for (const pkg of Object.keys(PACKAGES)) {
  Deno.test(`proto/builtin/${pkg}.proto equals Waypoint v0.11.4's ${PACKAGES[pkg]}`, async () => {
    const theirs = await upstream(pkg);
    assert(Object.keys(theirs).length > 0, `no messages found in ${PACKAGES[pkg]}`);
    assertEquals(ours(pkg), theirs);
  });
}

Deno.test("proto/opaqueany/any.proto equals the opaqueany module's any.proto", async () => {
  const theirs = describe(
    load(join(await goModuleDir(...OPAQUEANY), "any.proto"), {}).lookup(
      "opaqueany",
    ) as protobuf.Namespace,
  );
  const mine = describe(
    load(join(REPO, "proto", "opaqueany", "any.proto"), {}).lookup(
      "opaqueany",
    ) as protobuf.Namespace,
  );
  assertEquals(mine, theirs);
});

Deno.test("the comparison sees what matters: docker.Image's oneof and its nested message", async () => {
  const image = (await upstream("docker")).Image as {
    fields: { name: string; number: number; type: string; oneof: string }[];
    nested: Description;
  };
  assertEquals(image.fields.map((f) => [f.number, f.name, f.type, f.oneof]), [
    [1, "image", "string", ""],
    [2, "tag", "string", ""],
    [3, "registry", ".docker.Image.RegistryLocation", "location"],
    [4, "docker", ".google.protobuf.Empty", "location"],
    [5, "unused_img", ".google.protobuf.Empty", "location"],
    [6, "architecture", "string", ""],
  ]);
  assertEquals(Object.keys(image.nested), ["RegistryLocation"]);
});

Deno.test("the builtin export names each message by its proto full name", () => {
  assertEquals(
    [docker.Image, docker.AccessInfo, docker.Deployment, files.Files, pack.DockerImage, ecr.Image]
      .map((t) => t.typeUrl),
    [
      "type.googleapis.com/docker.Image",
      "type.googleapis.com/docker.AccessInfo",
      "type.googleapis.com/docker.Deployment",
      "type.googleapis.com/files.Files",
      "type.googleapis.com/pack.DockerImage",
      "type.googleapis.com/ecr.Image",
    ],
  );
});

/** Go builds a docker.Image (Waypoint's descriptor); the Go host pushes it into our registry. */
async function buildAndPush(location: string) {
  const dir = await tempDir("builtin-");
  await Deno.writeTextFile(
    join(dir, "waypoint.hcl"),
    `project = "p"

app "web" {
  build {
    use "gobuiltin" {
      image        = "nginx"
      tag          = "1.27"
      architecture = "arm64"
      registry     = ${location === "registry"}
    }
    registry {
      use "dockerpush" {
        prefix = "registry.example.com/team"
      }
    }
  }
}
`,
  );
  const registry = await makeLauncher(
    dir,
    "dockerpush",
    join(REPO, "tests", "fixtures", "docker_registry_plugin.ts"),
  );
  const waypointDir = await goModuleDir(...WAYPOINT);
  return await runHost(
    [
      "lifecycle",
      "-config",
      join(dir, "waypoint.hcl"),
      "-plugin",
      `gobuiltin=${await goBuiltinBinary()}`,
      "-plugin-arg",
      `gobuiltin=-waypoint-dir=${waypointDir}`,
      "-plugin",
      `dockerpush=${registry}`,
      "-steps",
      "build,push",
      "-ui",
      "plain",
    ],
    { cwd: dir },
  );
}

Deno.test("a registry declaring input docker.Image gets a Go SDK builder's docker.Image typed, through the Go host", async () => {
  const run = await buildAndPush("registry");
  const { build, push } = run.report.steps;
  assertEquals([run.report.error, build.error, push.error], ["", "", ""], run.stdout + run.stderr);
  // What Go sent: Waypoint's docker.Image, as protojson from the Go side.
  assertEquals(build.result.typeUrl, "type.googleapis.com/docker.Image");
  assertEquals(JSON.parse(build.result.json), {
    image: "nginx",
    tag: "1.27",
    architecture: "arm64",
    registry: { waypointGenerated: true },
  });
  // What our registry saw, typed.
  assertStringIncludes(
    run.stdout,
    "received docker.Image nginx:1.27 arch=arm64 in registry (waypoint_generated=true)",
  );
  // What it gave back: a docker.Image the Go host reads field by field.
  assertEquals(push.result.typeUrl, "type.googleapis.com/docker.Image");
  assertEquals(push.result.fields, {
    "1": "registry.example.com/team/nginx",
    "2": "1.27",
    "3": "", // location.registry: set, with waypoint_generated false (an empty message)
    "6": "arm64",
  });
  // The access info a builder would get: docker.AccessInfo, user_pass in the oneof.
  assertEquals(build.accessInfo.typeUrl, "type.googleapis.com/docker.AccessInfo");
  const access = docker.AccessInfo.decode(
    Uint8Array.from(atob(build.accessInfo.valueBase64), (c) => c.charCodeAt(0)),
  );
  assertEquals(
    [access.image, access.tag, access.userPass?.username, access.header, access.insecure],
    ["registry.example.com/team", "latest", "robot", undefined, true],
  );
});

Deno.test("a docker.Image in the local daemon (an Empty in the oneof) arrives as such", async () => {
  const run = await buildAndPush("docker");
  assertEquals(run.report.error, "", run.stdout + run.stderr);
  assertEquals(JSON.parse(run.report.steps.build.result.json).docker, {});
  assertStringIncludes(run.stdout, "received docker.Image nginx:1.27 arch=arm64 in docker daemon");
});
