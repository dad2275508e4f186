/**
 * Drives the Go conformance host (tests/conformance): the real go-plugin and
 * waypoint-plugin-sdk client code, launching our plugin as Waypoint does.
 */
import { dirname, fromFileUrl, join } from "./path.ts";
import { DEFAULT_PERMISSIONS, PLUGIN_V8_FLAGS } from "../../src/permissions.ts";
import { BuildProgress, type Progress } from "./build_progress.ts";
import { goBuild } from "./go_build.ts";

export const REPO = join(dirname(fromFileUrl(import.meta.url)), "..", "..");
export const WORK = join(REPO, "tests", ".work");
const HOST_DIR = join(REPO, "tests", "conformance");
const HOST_BIN = join(WORK, "bin", Deno.build.os === "windows" ? "wphost.exe" : "wphost");

let built: Promise<string> | undefined;

/** Said when the conformance host's build has real work to do: why it takes a while, once. */
export const HOST_INTRO: string[] = [
  "  first build: Go downloads the host's modules and compiles ~400 packages (a minute or",
  "  two, once); later runs take a second, from Go's build cache",
];

/**
 * Builds a Go program of tests/conformance, once per test process (Go's
 * build cache makes repeats cheap). A build that has real work to do shows
 * its progress on stderr (see build_progress.ts).
 */
async function buildGo(
  pkg: string,
  out: string,
  what: string,
  progress?: Progress,
): Promise<string> {
  // Under `deno test` a line rewritten in place would garble the test runner's own lines.
  progress ??= new BuildProgress({
    mode: "lines",
    intro: [`• building ${what} (${join("tests", "conformance", pkg)})`],
  });
  await goBuild({ args: ["build", "-o", out, pkg], cwd: HOST_DIR, what, count: pkg, progress });
  return out;
}

/**
 * The conformance host's binary, built on first use. `progress` receives the
 * build's events (default: plain progress lines on stderr, only when go has
 * something to compile); `WPHOST_BIN` names a host built elsewhere.
 */
export function hostBinary(progress?: Progress): Promise<string> {
  // WPHOST_BIN: use a host built elsewhere (e.g. from another checkout).
  const prebuilt = Deno.env.get("WPHOST_BIN");
  if (prebuilt) return Promise.resolve(prebuilt);
  built ??= buildGo(".", HOST_BIN, "the conformance host", progress);
  return built;
}

let goPlugin: Promise<string> | undefined;

/** Builds the reference gobuilder written in Go with the real SDK (tests/conformance/goplugin). */
export function goPluginBinary(): Promise<string> {
  goPlugin ??= buildGo(
    "./goplugin",
    join(WORK, "bin", "waypoint-plugin-gobuild"),
    "the Go reference plugin",
  );
  return goPlugin;
}

let goBuiltin: Promise<string> | undefined;

/** Builds the Go SDK builder whose artifact is Waypoint's docker.Image (tests/conformance/gobuiltin). */
export function goBuiltinBinary(): Promise<string> {
  goBuiltin ??= buildGo(
    "./gobuiltin",
    join(WORK, "bin", "waypoint-plugin-gobuiltin"),
    "the Go docker.Image builder",
  );
  return goBuiltin;
}

let goPlatform: Promise<string> | undefined;

/**
 * Builds the Go SDK reference registry, platform and release manager
 * (tests/conformance/goplatform; with `serve = true` its platform runs a
 * web app as localdeploy does).
 */
export function goPlatformBinary(): Promise<string> {
  goPlatform ??= buildGo(
    "./goplatform",
    join(WORK, "bin", "waypoint-plugin-gofiles"),
    "the Go reference platform",
  );
  return goPlatform;
}

/** Permissions a plugin launched by `deno run` gets: what a compiled plugin bakes in. */
export const PLUGIN_PERMISSIONS: string[] = DEFAULT_PERMISSIONS.map((p) => `--allow-${p}`);

/**
 * Writes an executable `waypoint-plugin-<name>` in `dir` that runs `entry`
 * with `deno run`: a launcher is a legitimate plugin executable, since
 * Waypoint only execs a path.
 */
export async function makeLauncher(dir: string, name: string, entry: string): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  const path = join(dir, `waypoint-plugin-${name}`);
  const deno = Deno.execPath();
  const config = join(REPO, "deno.json");
  await Deno.writeTextFile(
    path,
    `#!/bin/sh\nexec "${deno}" run --quiet --no-prompt --cached-only ${PLUGIN_V8_FLAGS} --config "${config}" ${
      PLUGIN_PERMISSIONS.join(" ")
    } "${entry}" "$@"\n`,
  );
  await Deno.chmod(path, 0o755);
  return path;
}

/** A fresh directory under tests/.work, removed by the returned function. */
export async function tempDir(prefix: string): Promise<string> {
  await Deno.mkdir(WORK, { recursive: true });
  return await Deno.makeTempDir({ dir: WORK, prefix });
}

export interface HostRun {
  code: number;
  stdout: string;
  stderr: string;
  // deno-lint-ignore no-explicit-any
  report: any;
  /** The host's log (JSON lines), where go-plugin re-logs the plugin's stderr. */
  log: Record<string, unknown>[];
}

/** Runs `wphost <args>` in `cwd` and reads its report and log. */
export async function runHost(
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<HostRun> {
  const bin = await hostBinary();
  const report = join(options.cwd, `report-${crypto.randomUUID()}.json`);
  const logFile = join(options.cwd, `host-${crypto.randomUUID()}.log`);
  const out = await new Deno.Command(bin, {
    args: [args[0], "-report", report, "-log", logFile, ...args.slice(1)],
    cwd: options.cwd,
    env: options.env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  const stdout = dec.decode(out.stdout);
  const stderr = dec.decode(out.stderr);
  let parsed: unknown = undefined;
  try {
    parsed = JSON.parse(await Deno.readTextFile(report));
  } catch {
    throw new Error(
      `the conformance host wrote no report (exit ${out.code}):\n${stdout}\n${stderr}`,
    );
  }
  let log: Record<string, unknown>[] = [];
  try {
    log = (await Deno.readTextFile(logFile)).split("\n").filter((l) => l.trim()).map((l) => {
      try {
        return JSON.parse(l);
      } catch {
        return { "@message": l };
      }
    });
  } catch {
    // no log written
  }
  return { code: out.code, stdout, stderr, report: parsed, log };
}

/** Whether anything (file, socket, link) is at `path`. */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads the child's stdout until `done(text)` holds (default: a whole first
 * line) and returns the text; the rest of stdout is drained in the background.
 */
export async function readStdout(
  child: Deno.ChildProcess,
  done: (text: string) => boolean = (t) => t.includes("\n"),
): Promise<string> {
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!done(text)) {
    const { value, done: eof } = await reader.read();
    if (eof) break;
    text += value;
  }
  (async () => {
    while (!(await reader.read()).done) { /* drain */ }
  })().catch(() => {});
  return text;
}
