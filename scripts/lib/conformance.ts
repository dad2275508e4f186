/**
 * The Go programs of tests/conformance, built on first use: the conformance
 * host (`wphost`: the real go-plugin and waypoint-plugin-sdk client code,
 * launching our plugins as Waypoint does) and the reference plugins written
 * with the Go SDK. Used by the tests, the demo and the benchmark.
 *
 * @module
 */
import { join } from "./path.ts";
import { REPO, WORK } from "./repo.ts";
import { BuildProgress, type Progress } from "./build_progress.ts";
import { goBuild } from "./go_build.ts";

const HOST_DIR = join(REPO, "tests", "conformance");
const HOST_BIN = join(WORK, "bin", Deno.build.os === "windows" ? "wphost.exe" : "wphost");

/** Said when the conformance host's build has real work to do: why it takes a while, once. */
export const HOST_INTRO: string[] = [
  "  first build: Go downloads the host's modules and compiles ~400 packages (a minute or",
  "  two, once); later runs take a second, from Go's build cache",
];

/**
 * Builds a Go program of tests/conformance, once per process (Go's build
 * cache makes repeats cheap). A build that has real work to do shows its
 * progress on stderr (see build_progress.ts).
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

/** One build per program and process: the first caller starts it, the others share it. */
const builds = new Map<string, Promise<string>>();

function once(pkg: string, out: string, what: string, progress?: Progress): Promise<string> {
  let built = builds.get(pkg);
  if (!built) {
    built = buildGo(pkg, out, what, progress);
    builds.set(pkg, built);
  }
  return built;
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
  return once(".", HOST_BIN, "the conformance host", progress);
}

/** Builds the reference gobuilder written in Go with the real SDK (tests/conformance/goplugin). */
export function goPluginBinary(): Promise<string> {
  const out = join(WORK, "bin", "waypoint-plugin-gobuild");
  return once("./goplugin", out, "the Go reference plugin");
}

/** Builds the Go SDK builder whose artifact is Waypoint's docker.Image (tests/conformance/gobuiltin). */
export function goBuiltinBinary(): Promise<string> {
  const out = join(WORK, "bin", "waypoint-plugin-gobuiltin");
  return once("./gobuiltin", out, "the Go docker.Image builder");
}

/**
 * Builds the Go SDK reference registry, platform and release manager
 * (tests/conformance/goplatform; with `serve = true` its platform runs a
 * web app as localdeploy does).
 */
export function goPlatformBinary(): Promise<string> {
  const out = join(WORK, "bin", "waypoint-plugin-gofiles");
  return once("./goplatform", out, "the Go reference platform");
}
