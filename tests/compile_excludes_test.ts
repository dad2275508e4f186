/**
 * `compile --no-bundle` (the module graph; a bundle holds only the npm code
 * it imports) leaves out the npm files no plugin loads at run time
 * (type-only packages, grpc-js's TypeScript sources): the lockfile's
 * packages map to `--exclude` folders in Deno's npm cache, and a binary
 * compiled on a stand-in runtime holds grpc-js's code but none of those files.
 */
import { assert, assertEquals } from "./support/assert.ts";
import { join } from "./support/path.ts";
import { REPO } from "./support/host.ts";
import { fakeRuntimes } from "./support/fake_denort.ts";
import { npmExcludes } from "../src/tools/compile/npm_excludes.ts";

Deno.test("npmExcludes: type-only packages and grpc-js's sources, by the lockfile's versions", () => {
  const lock = {
    npm: {
      "@types/node@26.6.6": {},
      "undici-types@8.9.0": {},
      "@grpc/grpc-js@1.14.7": {},
      "@grpc/proto-loader@0.8.1": {},
      "protobufjs@7.6.6": {},
      "@types/long@4.0.2_peer@1.0.0": {},
    },
  };
  assertEquals(npmExcludes(lock, "/cache/npm"), [
    "/cache/npm/registry.npmjs.org/@types/node/26.6.6",
    "/cache/npm/registry.npmjs.org/undici-types/8.9.0",
    "/cache/npm/registry.npmjs.org/@grpc/grpc-js/1.14.7/src",
    "/cache/npm/registry.npmjs.org/@types/long/4.0.2",
  ]);
  assertEquals(npmExcludes({}, "/c"), []);
  assertEquals(npmExcludes(null, "/c"), []);
  assertEquals(npmExcludes({ npm: "x" }, "/c"), []);
});

async function npmCache(): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"] }).output();
  return JSON.parse(new TextDecoder().decode(out.stdout)).npmCache;
}

/** Whether `haystack` holds the bytes of `needle`. */
function holds(haystack: Uint8Array, needle: string): boolean {
  const n = new TextEncoder().encode(needle);
  outer: for (let i = haystack.indexOf(n[0]); i >= 0; i = haystack.indexOf(n[0], i + 1)) {
    for (let k = 1; k < n.length; k++) if (haystack[i + k] !== n[k]) continue outer;
    return true;
  }
  return false;
}

/** A 160-character passage from the middle of a file. */
async function passage(path: string): Promise<string> {
  const text = await Deno.readTextFile(path);
  const at = Math.floor(text.length / 2);
  return text.slice(at, at + 160);
}

Deno.test("compile --no-bundle embeds grpc-js's code but not @types/node, undici-types or grpc-js's sources", async () => {
  const dir = await Deno.makeTempDir({ prefix: "wp-compile-excl-" });
  try {
    await Deno.writeTextFile(
      join(dir, "deno.json"),
      JSON.stringify({
        version: "1.0.0",
        imports: { "@grpc/grpc-js": "npm:@grpc/grpc-js@1.14.7" },
      }),
    );
    await Deno.copyFile(join(REPO, "deno.lock"), join(dir, "deno.lock"));
    await Deno.writeTextFile(
      join(dir, "main.ts"),
      'import * as grpc from "@grpc/grpc-js";\nconsole.log(typeof grpc.Server);\n',
    );
    const runtimes = await fakeRuntimes();
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--quiet",
        join(REPO, "src", "tools", "compile.ts"),
        "--target",
        "linux_amd64",
        "--name",
        "excl",
        "--no-bundle",
      ],
      cwd: dir,
      env: { DENORT_BIN: runtimes.linux_amd64, NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
    const bin = await Deno.readFile(join(dir, "bin", "linux_amd64", "waypoint-plugin-excl"));
    const npm = join(await npmCache(), "registry.npmjs.org");
    const lock = JSON.parse(await Deno.readTextFile(join(REPO, "deno.lock"))).npm as object;
    const version = (name: string) =>
      Object.keys(lock).find((k) => k.startsWith(`${name}@`))!.slice(name.length + 1);
    const grpc = join(npm, "@grpc", "grpc-js", version("@grpc/grpc-js"));
    assert(holds(bin, await passage(join(grpc, "build", "src", "server.js"))), "grpc-js's build");
    assert(!holds(bin, await passage(join(grpc, "src", "server.ts"))), "grpc-js's src/server.ts");
    const types = join(npm, "@types", "node", version("@types/node"));
    assert(!holds(bin, await passage(join(types, "child_process.d.ts"))), "@types/node");
    const undici = join(npm, "undici-types", version("undici-types"));
    assert(!holds(bin, await passage(join(undici, "fetch.d.ts"))), "undici-types");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
