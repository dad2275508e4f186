/**
 * `compile`: the exact `deno compile` invocations, the output layout for all
 * six targets, SHA256SUMS, zips checked with Python's zipfile and unzip, the
 * error when the runtime download fails, and usage errors.
 *
 * `deno compile` needs a base runtime (denort) per target, downloaded from
 * dl.deno.land, which this machine cannot reach. The tests give it one:
 * the real deno binary (`DENORT_BIN`) for linux_amd64, and for every target
 * a tiny Go program built for that OS and CPU (`DENORT_BIN_<OS>_<ARCH>`) —
 * deno compile only needs a well-formed ELF, Mach-O or PE to append to.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "./support/assert.ts";
import { join } from "./support/path.ts";
import { exists, REPO } from "./support/host.ts";
import { fakeRuntimes, runtimeEnv } from "./support/fake_denort.ts";
import { findTarget, parseTargets, TARGETS } from "../src/tools/compile/targets.ts";
import { compileInvocations } from "../src/tools/compile/invocations.ts";
import { permissionFlags } from "../src/tools/compile/permissions.ts";
import { executableKind, isDenoCli, runtimeFailure } from "../src/tools/compile/runtime.ts";
import { sha256sums } from "../src/tools/compile/checksums.ts";
import { zip, zipEntries } from "../src/tools/compile/zip.ts";

const dec = new TextDecoder();
const TOOL = join(REPO, "src", "tools", "compile.ts");

/** The environment without any DENORT_BIN*, plus `extra`. */
function envWith(extra: Record<string, string>): Record<string, string> {
  const env = Object.fromEntries(
    Object.entries(Deno.env.toObject()).filter(([k]) => !k.startsWith("DENORT_BIN")),
  );
  return { ...env, NO_COLOR: "1", ...extra };
}

async function compile(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
  signal?: AbortSignal,
) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", TOOL, ...args],
    cwd,
    env: envWith(env),
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal,
  }).output();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** A plugin project outside the repository (so no parent deno.json is found). */
async function project(denoJson: Record<string, unknown> | undefined): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "wp-compile-" });
  await Deno.writeTextFile(join(dir, "main.ts"), 'console.log("demo plugin");\n');
  if (denoJson) await Deno.writeTextFile(join(dir, "deno.json"), JSON.stringify(denoJson));
  return dir;
}

const DEMO = { name: "@local/waypoint-plugin-demo", version: "1.2.3" };
/** What serve() needs, baked into every plugin, per target OS: written out, not computed. */
const ENV =
  "--allow-env=WAYPOINT_PLUGIN,WAYPOINT_PLUGIN_*,PLUGIN_*,TMPDIR,GRPC_*,grpc_proxy,https_proxy,http_proxy,no_grpc_proxy,no_proxy";
const LINUX_TMP = "/tmp";
const DARWIN_TMP = "/tmp,/private/tmp,/var/folders,/private/var/folders";
// --dry-run prints shell words: the "*" makes the env flag quoted.
const BASE: Record<string, string> = {
  linux: `'${ENV}' --allow-read=${LINUX_TMP},/etc/group --allow-write=${LINUX_TMP} --allow-net`,
  darwin: `'${ENV}' --allow-read=${DARWIN_TMP},/etc/group --allow-write=${DARWIN_TMP} --allow-net`,
  windows: `'${ENV}' --allow-net=127.0.0.1`,
};
const PERMS = BASE.linux;

async function sha256(path: string): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const rel = prefix + e.name;
    if (e.isDirectory) out.push(...await listFiles(join(dir, e.name), rel + "/"));
    else out.push(rel);
  }
  return out.sort();
}

async function run(cmd: string, args: string[], cwd?: string) {
  const out = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("--dry-run prints the deno bundle step, then the deno compile of the bundle per target", async () => {
  const dir = await project(DEMO);
  const r = await compile(["--dry-run"], dir);
  assertEquals(r.code, 0, r.stderr);
  // Nothing declared: exactly what serve() needs on each OS, no run, no sys, no -A.
  const line = (os: string, triple: string, out: string) =>
    `deno compile --no-prompt --v8-flags=--min-semi-space-size=8,--max-semi-space-size=8,--heap-growing-percent=30 ${
      BASE[os]
    } --config deno.json --target ${triple} --output ${out} '<tmp>/demo/main.js'`;
  assertEquals(r.stdout.split("\n"), [
    "deno bundle --quiet --check --platform deno --packages bundle --config deno.json --output '<tmp>/demo/main.js' main.ts",
    line("linux", "x86_64-unknown-linux-gnu", "bin/linux_amd64/waypoint-plugin-demo"),
    line("linux", "aarch64-unknown-linux-gnu", "bin/linux_arm64/waypoint-plugin-demo"),
    line("darwin", "x86_64-apple-darwin", "bin/darwin_amd64/waypoint-plugin-demo"),
    line("darwin", "aarch64-apple-darwin", "bin/darwin_arm64/waypoint-plugin-demo"),
    line("windows", "x86_64-pc-windows-msvc", "bin/windows_amd64/waypoint-plugin-demo.exe"),
    line("windows", "aarch64-pc-windows-msvc", "bin/windows_arm64/waypoint-plugin-demo.exe"),
    "",
  ]);
  // --no-bundle: the entry itself, as before the bundle step.
  const graph = await compile(["--dry-run", "--no-bundle", "--target", "linux_amd64"], dir);
  assertEquals(graph.code, 0, graph.stderr);
  assertEquals(
    graph.stdout,
    line("linux", "x86_64-unknown-linux-gnu", "bin/linux_amd64/waypoint-plugin-demo").replace(
      "'<tmp>/demo/main.js'",
      "main.ts",
    ) + "\n",
  );
  assert(!await exists(join(dir, "bin")), "a dry run must not create the output folder");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("--target takes Go names and triples; --allow beats deno.json waypoint.permissions", async () => {
  const dir = await project({
    ...DEMO,
    waypoint: { permissions: ["env=HOME", "read=.", "run=go"] },
  });
  const targets = ["--target", "aarch64-apple-darwin,linux_amd64", "--target", "WINDOWS_ARM64"];
  const fromConfig = await compile(
    [...targets, "--dry-run", "--name", "gb", "--out", "dist dir"],
    dir,
  );
  assertEquals(fromConfig.code, 0, fromConfig.stderr);
  // The declared specs merged into serve()'s: one flag per permission, scopes joined.
  const env = `'${ENV},HOME'`;
  const v8 = "--v8-flags=--min-semi-space-size=8,--max-semi-space-size=8,--heap-growing-percent=30";
  assertEquals(fromConfig.stdout.trimEnd().split("\n"), [
    "deno bundle --quiet --check --platform deno --packages bundle --config deno.json --output '<tmp>/gb/main.js' main.ts",
    `deno compile --no-prompt ${v8} ${env} --allow-read=${LINUX_TMP},/etc/group,. --allow-write=${LINUX_TMP} --allow-net --allow-run=go --config deno.json --target x86_64-unknown-linux-gnu --output 'dist dir/linux_amd64/waypoint-plugin-gb' '<tmp>/gb/main.js'`,
    `deno compile --no-prompt ${v8} ${env} --allow-read=${DARWIN_TMP},/etc/group,. --allow-write=${DARWIN_TMP} --allow-net --allow-run=go --config deno.json --target aarch64-apple-darwin --output 'dist dir/darwin_arm64/waypoint-plugin-gb' '<tmp>/gb/main.js'`,
    `deno compile --no-prompt ${v8} ${env} --allow-read=. --allow-net=127.0.0.1 --allow-run=go --config deno.json --target aarch64-pc-windows-msvc --output 'dist dir/windows_arm64/waypoint-plugin-gb.exe' '<tmp>/gb/main.js'`,
  ]);

  const fromFlag = await compile(
    ["--target", "linux_arm64", "--dry-run", "--allow", "env,read", "--allow", "net=a.test,b.test"],
    dir,
  );
  assertEquals(
    fromFlag.stdout.split("\n").slice(1).join("\n"),
    "deno compile --no-prompt --v8-flags=--min-semi-space-size=8,--max-semi-space-size=8,--heap-growing-percent=30 --allow-env --allow-read --allow-write=/tmp --allow-net --config deno.json " +
      "--target aarch64-unknown-linux-gnu --output bin/linux_arm64/waypoint-plugin-demo '<tmp>/demo/main.js'\n",
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a project without deno.json: name from the folder, no --config, --version required", async () => {
  const parent = await Deno.makeTempDir({ prefix: "wp-compile-" });
  const dir = join(parent, "waypoint-plugin-k8s");
  await Deno.mkdir(dir);
  await Deno.writeTextFile(join(dir, "main.ts"), "");
  const noVersion = await compile(["--dry-run"], dir);
  assertEquals(noVersion.code, 2);
  assertStringIncludes(
    noVersion.stderr,
    'error: No version for the zip names: deno.json has no "version"; pass --version <version>',
  );
  const ok = await compile(["--dry-run", "--version", "0.0.1", "--target", "linux_amd64"], dir);
  assertEquals(
    ok.stdout,
    "deno bundle --quiet --check --platform deno --packages bundle --output '<tmp>/k8s/main.js' main.ts\n" +
      `deno compile --no-prompt --v8-flags=--min-semi-space-size=8,--max-semi-space-size=8,--heap-growing-percent=30 ${PERMS} --target x86_64-unknown-linux-gnu ` +
      "--output bin/linux_amd64/waypoint-plugin-k8s '<tmp>/k8s/main.js'\n",
  );
  await Deno.remove(parent, { recursive: true });
});

/** What a usage error prints: the message, the usage line, where the rest of the help is. */
function usageError(message: string): string {
  return `error: ${message}\n\nUsage: deno run -A jsr:@x/waypoint-plugin/compile [options]\n` +
    "For all options, run it with --help\n";
}

Deno.test("user mistakes print `error: …` and the usage line, and exit 2", async () => {
  const dir = await project(DEMO);
  const cases: [string[], string][] = [
    [
      ["--target", "linux_x86"],
      `Unknown target "linux_x86": valid targets are linux_amd64 (x86_64-unknown-linux-gnu), ` +
      `linux_arm64 (aarch64-unknown-linux-gnu), darwin_amd64 (x86_64-apple-darwin), ` +
      `darwin_arm64 (aarch64-apple-darwin), windows_amd64 (x86_64-pc-windows-msvc), ` +
      `windows_arm64 (aarch64-pc-windows-msvc)`,
    ],
    [
      ["--allow", "env,disk"],
      `--allow: unknown permission "disk": use env, read, write, net, run, sys, ffi, ` +
      `import, all, optionally scoped as name=value (e.g. net=127.0.0.1)`,
    ],
    [
      ["--allow", "net="],
      `--allow: permission "net=" has an empty scope: write "net" or "net=<value>"`,
    ],
    [
      ["--allow", "all=x"],
      `--allow: permission "all=x" has a scope, which all does not take: write "all"`,
    ],
    [["--allow", "env,env"], `--allow: permission "env" is given twice: keep one`],
    [
      ["--entry", "nope.ts"],
      `--entry "nope.ts" was not found in ${dir}: pass the plugin's main module, e.g. --entry main.ts`,
    ],
    [
      ["--name", "my.plugin"],
      `--name "my.plugin" is not a valid plugin name: use letters, digits, "-" and "_" ` +
      '(it is the label in `use "<name>"` and the file name waypoint-plugin-<name>); pass --name <name>',
    ],
    [["--bogus"], `Unknown option "--bogus"`],
    [
      ["--out"],
      `Option "--out" needs a value: to give one that starts with "-", write --out=<value>`,
    ],
    [["extra"], `Unexpected argument "extra": this tool takes options only`],
  ];
  for (const [args, error] of cases) {
    const r = await compile([...args, "--dry-run"], dir);
    assertEquals(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assertEquals(r.stdout, "", args.join(" "));
    assertEquals(r.stderr, usageError(error), args.join(" "));
  }

  await Deno.writeTextFile(
    join(dir, "deno.json"),
    JSON.stringify({ ...DEMO, waypoint: { permissions: "env,net" } }),
  );
  const bad = await compile(["--dry-run"], dir);
  assertEquals(bad.code, 2);
  assertEquals(
    bad.stderr,
    usageError(
      `${join(dir, "deno.json")}: field "waypoint.permissions" must be an array of permission ` +
        `names such as ["env", "read", "net=127.0.0.1"]: got "env,net"`,
    ),
  );
  await Deno.writeTextFile(join(dir, "deno.json"), "null");
  const notObject = await compile(["--dry-run"], dir);
  assertEquals(notObject.code, 2);
  assertEquals(
    notObject.stderr,
    usageError(`${join(dir, "deno.json")} must hold a JSON object: got null`),
  );
  const help = await compile(["--help"], dir);
  assertEquals(help.code, 0);
  assertEquals(help.stderr, "");
  assert(
    help.stdout.startsWith("Usage: deno run -A jsr:@x/waypoint-plugin/compile [options]\n\n"),
    help.stdout,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("compile builds all six targets: layout, Windows' two names, SHA256SUMS, zips", async () => {
  const runtimes = await fakeRuntimes();
  const dir = await project(DEMO);
  const r = await compile([], dir, runtimeEnv(runtimes));
  assertEquals(r.code, 0, r.stderr);

  const bin = join(dir, "bin");
  const names = TARGETS.flatMap((t) =>
    t.os === "windows"
      ? [`${t.goName}/waypoint-plugin-demo`, `${t.goName}/waypoint-plugin-demo.exe`]
      : [`${t.goName}/waypoint-plugin-demo`]
  );
  const zips = TARGETS.map((t) => `waypoint-plugin-demo_1.2.3_${t.goName}.zip`);
  assertEquals(await listFiles(bin), [...names, ...zips, "SHA256SUMS"].sort());

  // Each binary: the target's runtime with something appended, executable, of the target's kind.
  const reportLines = r.stdout.trimEnd().split("\n");
  for (const [i, t] of TARGETS.entries()) {
    const file = join(bin, t.goName, `waypoint-plugin-demo${t.os === "windows" ? ".exe" : ""}`);
    const info = await Deno.stat(file);
    const base = (await Deno.stat(runtimes[t.goName])).size;
    assert(info.size > base, `${t.goName}: ${info.size} <= runtime ${base}`);
    assertEquals(info.mode! & 0o111, 0o111, `${t.goName} is not executable`);
    const kind = executableKind((await Deno.readFile(file)).subarray(0, 4096));
    assertEquals(kind, { os: t.os, arch: t.arch }, t.goName);
    assertEquals(
      reportLines[i].split(/\s+/),
      [
        t.goName,
        join("bin", t.goName, file.split("/").at(-1)!),
        `${info.size}`,
        "bytes",
        `(+${info.size - base}`,
        "over",
        "the",
        "runtime)",
      ],
    );
    assertStringIncludes(r.stderr, `[${i + 1}/6] ${t.goName} (${t.triple}): deno compile …`);
    if (t.os === "windows") {
      const a = await Deno.readFile(file);
      const b = await Deno.readFile(join(bin, t.goName, "waypoint-plugin-demo"));
      assertEquals(b, a, "the extension-less copy must equal the .exe");
    }
  }

  // SHA256SUMS: every file, sha256sum format, sorted; and sha256sum agrees.
  const expected = [];
  for (const f of [...names, ...zips].sort()) expected.push(`${await sha256(join(bin, f))}  ${f}`);
  assertEquals(await Deno.readTextFile(join(bin, "SHA256SUMS")), expected.join("\n") + "\n");
  const check = await run("sha256sum", ["-c", "SHA256SUMS"], bin);
  assertEquals(check.code, 0, check.stderr);
  assertEquals(check.stdout.trimEnd().split("\n").length, names.length + zips.length);

  // Zips: valid for Python's zipfile, the right entries with exec bits, the right bytes.
  for (const t of TARGETS) {
    const z = join(bin, `waypoint-plugin-demo_1.2.3_${t.goName}.zip`);
    const test = await run("python3", ["-m", "zipfile", "-t", z]);
    assertEquals(test.code, 0, test.stderr);
    const entries = t.os === "windows"
      ? ["waypoint-plugin-demo.exe", "waypoint-plugin-demo"]
      : ["waypoint-plugin-demo"];
    const listing = await run("unzip", ["-Z", z]);
    const rows = listing.stdout.split("\n").filter((l) => l.startsWith("-"));
    assertEquals(rows.map((l) => l.split(/\s+/)[0]), entries.map(() => "-rwxr-xr-x"));
    assertEquals(rows.map((l) => l.split(/\s+/).at(-1)), entries);
    const out = await Deno.makeTempDir({ prefix: "wp-unzip-" });
    const ex = await run("python3", ["-m", "zipfile", "-e", z, out]);
    assertEquals(ex.code, 0, ex.stderr);
    for (const e of entries) {
      assertEquals(
        await Deno.readFile(join(out, e)),
        await Deno.readFile(join(bin, t.goName, e)),
        `${t.goName}: ${e}`,
      );
    }
    await Deno.remove(out, { recursive: true });
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("DENORT_BIN builds linux_amd64 and the size report names it", async () => {
  const runtimes = await fakeRuntimes();
  const base = runtimes.linux_amd64;
  const dir = await project(DEMO);
  const r = await compile(["--target", "linux_amd64"], dir, { DENORT_BIN: base });
  assertEquals(r.code, 0, r.stderr);
  const out = join(dir, "bin", "linux_amd64", "waypoint-plugin-demo");
  const size = (await Deno.stat(out)).size;
  const baseSize = (await Deno.stat(base)).size;
  assert(size > baseSize, `${size} <= ${baseSize}`);
  assertEquals(
    r.stdout,
    `linux_amd64    bin/linux_amd64/waypoint-plugin-demo  ${size} bytes  (+${
      size - baseSize
    } over the runtime)\n`,
  );
  assertMatch(r.stderr, /\(\+[\d.]+ (KiB|MiB) over the [\d.]+ (KiB|MiB) runtime from DENORT_BIN\)/);
  const sums = await Deno.readTextFile(join(dir, "bin", "SHA256SUMS"));
  assertEquals(sums.split("\n")[0], `${await sha256(out)}  linux_amd64/waypoint-plugin-demo`);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a DENORT_BIN that is the full deno CLI is refused before anything is built", async () => {
  // Built on the CLI, the "plugin" would start deno's REPL instead of the plugin.
  const deno = await Deno.realPath(Deno.execPath());
  const dir = await project(DEMO);
  const r = await compile(["--target", "linux_amd64"], dir, { DENORT_BIN: deno });
  assertEquals(r.code, 1, r.stderr);
  assertEquals(
    r.stderr.trimEnd().split("\n").at(-1),
    `error: DENORT_BIN="${deno}" is the deno CLI, not the runtime denort: a binary built on it ` +
      `starts deno's REPL instead of the plugin. Point DENORT_BIN at denort ${Deno.version.deno} ` +
      `for x86_64-unknown-linux-gnu (https://dl.deno.land/release/v${Deno.version.deno}/` +
      `denort-x86_64-unknown-linux-gnu.zip), or unset it to let deno compile download it`,
  );
  assertEquals(await exists(join(dir, "bin")), false, "bin/ was created");
  assertEquals(await isDenoCli(deno), true);
  assertEquals(await isDenoCli((await fakeRuntimes()).linux_amd64), false);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a failed compile leaves no bin/<target>/ behind, and keeps what bin/ held", async () => {
  const runtimes = await fakeRuntimes();
  const dir = await project(DEMO);
  // --no-bundle: deno compile itself meets the missing module (a bundle would fail first).
  await Deno.writeTextFile(join(dir, "main.ts"), 'import "./missing.ts";\n');
  const fresh = await compile(
    ["--target", "linux_amd64", "--no-bundle"],
    dir,
    runtimeEnv(runtimes),
  );
  assertEquals(fresh.code, 1, fresh.stderr);
  assertStringIncludes(fresh.stderr, "error: deno compile failed for linux_amd64 (exit 1)");
  assertEquals(await exists(join(dir, "bin")), false, "bin/ was left behind");

  await Deno.mkdir(join(dir, "bin"));
  await Deno.writeTextFile(join(dir, "bin", "notes.txt"), "mine");
  const again = await compile(
    ["--target", "linux_amd64", "--no-bundle"],
    dir,
    runtimeEnv(runtimes),
  );
  assertEquals(again.code, 1, again.stderr);
  assertEquals(await listFiles(join(dir, "bin")), ["notes.txt"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a runtime for the wrong OS is refused before compiling; the wrong CPU warns", async () => {
  const runtimes = await fakeRuntimes();
  const dir = await project(DEMO);
  const wrongOs = await compile(["--target", "linux_amd64,darwin_arm64"], dir, {
    DENORT_BIN: runtimes.linux_amd64,
  });
  assertEquals(wrongOs.code, 1);
  assertEquals(
    wrongOs.stderr.trimEnd(),
    `error: DENORT_BIN="${runtimes.linux_amd64}" is a Linux (ELF) runtime, but darwin_arm64 needs a ` +
      `macOS (Mach-O) one: set DENORT_BIN_DARWIN_ARM64 to denort ${Deno.version.deno} for ` +
      `aarch64-apple-darwin, or leave the target out with --target`,
  );
  assert(!await exists(join(dir, "bin")), "nothing may be built when a runtime is wrong");

  const wrongCpu = await compile(["--target", "linux_arm64"], dir, {
    DENORT_BIN: runtimes.linux_amd64,
  });
  assertEquals(wrongCpu.code, 0, wrongCpu.stderr);
  assertStringIncludes(
    wrongCpu.stderr,
    `warning: DENORT_BIN="${runtimes.linux_amd64}" is a linux_amd64 runtime; the linux_arm64 ` +
      `binary will not run on linux_arm64 (set DENORT_BIN_LINUX_ARM64)`,
  );

  const missing = await compile(["--target", "windows_amd64"], dir, {
    DENORT_BIN_WINDOWS_AMD64: join(dir, "nope"),
  });
  assertEquals(missing.code, 1);
  assertStringIncludes(
    missing.stderr,
    `error: DENORT_BIN_WINDOWS_AMD64="${join(dir, "nope")}" is not a file: point it at denort`,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("when deno compile cannot download denort, the error names DENORT_BIN", async () => {
  // A fresh DENO_DIR (no cached runtime) and a proxy on a closed port: the download fails
  // here, and would fail the same way on a machine that can reach dl.deno.land.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  const denoDir = await Deno.makeTempDir({ prefix: "wp-denodir-" });
  const dir = await project(DEMO);
  const proxy = `http://127.0.0.1:${port}`;
  let r;
  try {
    // --no-bundle: deno bundle would first fail to fetch esbuild (npm:@esbuild/<os>-<cpu>).
    r = await compile(["--target", "linux_arm64", "--no-bundle"], dir, {
      DENO_DIR: denoDir,
      HTTPS_PROXY: proxy,
      https_proxy: proxy,
      NO_PROXY: "",
      no_proxy: "",
    }, AbortSignal.timeout(60_000));
  } catch (err) {
    if ((err as Error).name !== "TimeoutError") throw err;
    throw new Error(
      "deno compile neither downloaded denort nor failed within 60 s through a proxy on a closed port",
    );
  } finally {
    await Deno.remove(denoDir, { recursive: true }).catch(() => {});
  }
  assertEquals(r.code, 1, r.stderr);
  const v = Deno.version.deno;
  const url = `https://dl.deno.land/release/v${v}/denort-aarch64-unknown-linux-gnu.zip`;
  const lines = r.stderr.trimEnd().split("\n");
  assertEquals(lines.slice(-2), [
    `error: deno compile could not get the Deno runtime (denort) for aarch64-unknown-linux-gnu ` +
    `from ${url}: client error (Connect): tcp connect error: Connection refused (os error 111)`,
    `  Offline or behind a firewall? Set DENORT_BIN=<path> (every target) or ` +
    `DENORT_BIN_LINUX_ARM64=<path> (this one) to denort ${v} for aarch64-unknown-linux-gnu, ` +
    `or build fewer targets with --target`,
  ]);
  assert(!await exists(join(dir, "bin", "SHA256SUMS")));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("runtimeFailure reads deno compile's download error (text captured on this machine)", () => {
  const captured = `Compile main.ts to out/x
Download https://dl.deno.land/release/v2.9.6/denort-x86_64-unknown-linux-gnu.zip
error: Writing deno compile executable to temporary file 'out/x.tmp-abe23c1c06dd75e4'

Caused by:
    0: Setting up base binary.
    1: error sending request for url (https://dl.deno.land/release/v2.9.6/denort-x86_64-unknown-linux-gnu.zip): client error (Connect): dns error: failed to lookup address information: Name or service not known
    2: client error (Connect)
    3: dns error
    4: failed to lookup address information: Name or service not known
`;
  assertEquals(runtimeFailure(captured), {
    url: "https://dl.deno.land/release/v2.9.6/denort-x86_64-unknown-linux-gnu.zip",
    cause:
      "client error (Connect): dns error: failed to lookup address information: Name or service not known",
  });
  assertEquals(runtimeFailure('error: Module not found "file:///x/main.ts".'), undefined);
});

Deno.test("zip() output passes Python's zipfile and unzip, stored and deflated, modes kept", async () => {
  const random = crypto.getRandomValues(new Uint8Array(50_000));
  const text = new TextEncoder().encode("waypoint ".repeat(5_000));
  const archive = zip([
    { name: "bin/random", data: random, mode: 0o755 },
    { name: "notes.txt", data: text },
    { name: "empty", data: new Uint8Array(0) },
  ]);
  const listed = zipEntries(archive);
  assertEquals(listed.map((e) => [e.name, e.method, e.size, e.mode]), [
    ["bin/random", 0, 50_000, 0o755], // incompressible: stored
    ["notes.txt", 8, text.length, 0o644],
    ["empty", 0, 0, 0o644],
  ]);
  assert(listed[1].compressedSize < text.length / 10);

  const dir = await Deno.makeTempDir({ prefix: "wp-zip-" });
  const path = join(dir, "t.zip");
  await Deno.writeFile(path, archive);
  const t = await run("python3", ["-m", "zipfile", "-t", path]);
  assertEquals(t.code, 0, t.stderr + t.stdout);
  const ex = await run("python3", ["-m", "zipfile", "-e", path, join(dir, "x")]);
  assertEquals(ex.code, 0, ex.stderr);
  assertEquals(await Deno.readFile(join(dir, "x", "bin", "random")), random);
  assertEquals(await Deno.readFile(join(dir, "x", "notes.txt")), text);
  assertEquals((await Deno.readFile(join(dir, "x", "empty"))).length, 0);
  const l = await run("unzip", ["-l", path]);
  assertEquals(l.code, 0, l.stderr);
  assertEquals(
    l.stdout.split("\n").filter((s) => /^\s+\d+\s+\d{4}-/.test(s)).map((s) =>
      s.trim().split(/\s+/)
    ),
    [
      ["50000", "1980-01-01", "00:00", "bin/random"],
      [`${text.length}`, "1980-01-01", "00:00", "notes.txt"],
      ["0", "1980-01-01", "00:00", "empty"],
    ],
  );

  // And our reader lists a zip Python wrote.
  const py = await run("python3", [
    "-c",
    `import zipfile; z = zipfile.ZipFile("${join(dir, "py.zip")}", "w", zipfile.ZIP_DEFLATED); ` +
    `z.writestr("a/b.txt", "hello " * 100); z.close()`,
  ]);
  assertEquals(py.code, 0, py.stderr);
  const back = zipEntries(await Deno.readFile(join(dir, "py.zip")));
  assertEquals(back.map((e) => [e.name, e.method, e.size]), [["a/b.txt", 8, 600]]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the pure parts: targets, invocations, permissions, SHA256SUMS text", () => {
  assertEquals(parseTargets([]).map((t) => t.goName), TARGETS.map((t) => t.goName));
  assertEquals(
    parseTargets(["x86_64-apple-darwin,linux_arm64", "darwin_amd64"]).map((t) => t.goName),
    ["linux_arm64", "darwin_amd64"],
  );
  assertEquals(findTarget("aarch64-pc-windows-msvc")?.goName, "windows_arm64");
  const [inv] = compileInvocations({
    name: "x",
    entry: "src/main.ts",
    out: "dist",
    targets: [findTarget("windows_amd64")!],
    permissions: ["all"],
    config: "deno.json",
  });
  assertEquals(inv, {
    target: "x86_64-pc-windows-msvc",
    goName: "windows_amd64",
    args: [
      "compile",
      "--no-prompt",
      "--v8-flags=--min-semi-space-size=8,--max-semi-space-size=8,--heap-growing-percent=30",
      "--allow-all",
      "--config",
      "deno.json",
      "--target",
      "x86_64-pc-windows-msvc",
      "--output",
      "dist/windows_amd64/waypoint-plugin-x.exe",
      "src/main.ts",
    ],
    output: "dist/windows_amd64/waypoint-plugin-x.exe",
    alias: "dist/windows_amd64/waypoint-plugin-x",
  });
  assertEquals(permissionFlags(["all"], "t"), ["--allow-all"]);
  assertEquals(
    sha256sums([
      { path: "z.zip", sha256: "03" },
      { path: "windows_amd64\\a.exe", sha256: "02" },
      { path: "linux_amd64/a", sha256: "01" },
    ]),
    "01  linux_amd64/a\n02  windows_amd64/a.exe\n03  z.zip\n",
  );
});
