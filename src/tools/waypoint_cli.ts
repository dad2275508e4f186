/**
 * Gets the real Waypoint v0.11.4 CLI for end-to-end tests (yours, through
 * `startWaypoint()` of `@x/waypoint-plugin/testing`, and the toolkit's own):
 * built once from Waypoint's source on the Go module proxy and cached, so
 * later runs reuse it. Needs Go 1.19 or later on PATH.
 *
 * ```sh
 * deno run -A jsr:@x/waypoint-plugin/waypoint-cli   # builds it if needed, prints its path
 * export WAYPOINT_BIN="$(deno run -A jsr:@x/waypoint-plugin/waypoint-cli)"
 * deno task e2e
 * ```
 *
 * Why a build: HashiCorp's release downloads are not reachable everywhere,
 * but the Go module proxy is, and `github.com/hashicorp/waypoint@v0.11.4` on
 * it is the whole source, UI assets included. One dependency,
 * `gortc.io/stun v1.22.2`, is refused by the proxy (403); Waypoint links it
 * only for the URL service's STUN lookup of the public address, which the
 * tests switch off (`-url-enabled=false`), so the build replaces it with our
 * stand-in module (waypoint_cli/stun next to this file, every call fails). Nothing of Waypoint's is
 * committed here: the source and the binary live in
 * `${XDG_CACHE_HOME:-~/.cache}/waypoint-plugin-deno/waypoint-v0.11.4/`.
 *
 * @module
 */
import { join } from "node:path";
import { CommandError, runCli } from "./cli.ts";

/**
 * The Waypoint release the toolkit targets, and the one this tool builds.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { WAYPOINT_VERSION } from "@x/waypoint-plugin/waypoint-cli";
 * assert.match(WAYPOINT_VERSION, /^v0\.11\./);
 * ```
 */
export const WAYPOINT_VERSION = "v0.11.4";
const MODULE = "github.com/hashicorp/waypoint";
/** The stand-in's files, next to this module (read with fetch: the package may be remote). */
const STUN_FILES = ["go.mod", "stun.go"] as const;

const stunFiles = new Map<string, Promise<string>>();

/** One of the stand-in's files, by name. */
function stunFile(name: string): Promise<string> {
  let text = stunFiles.get(name);
  if (!text) {
    const url = new URL(`./waypoint_cli/stun/${name}`, import.meta.url);
    text = fetch(url).then(async (r) => {
      if (!r.ok) throw new Error(`cannot read ${url}: HTTP ${r.status}`);
      return await r.text();
    });
    stunFiles.set(name, text);
  }
  return text;
}
// No VCS stamping (the copy is not a checkout); no symbol table or DWARF: linking the 160 MB
// binary then takes seconds instead of over a minute, and the tests need no debugger.
const BUILD_FLAGS = ["-buildvcs=false", "-ldflags=-s -w"];

const dec = new TextDecoder();

/** Whether a process with this pid exists (SIGCONT is harmless to a running process). */
function alive(pid: number): boolean {
  try {
    Deno.kill(pid, "SIGCONT");
    return true;
  } catch {
    return false;
  }
}

/**
 * Where the source and the binary are kept: `waypoint-plugin-deno/waypoint-<version>`
 * under `$XDG_CACHE_HOME` (when absolute) or `~/.cache`. `env` reads a variable
 * (default: the process's environment).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { cacheDir } from "@x/waypoint-plugin/waypoint-cli";
 * const env = (name: string) => ({ HOME: "/home/me" } as Record<string, string>)[name];
 * assert(cacheDir(env).startsWith("/home/me/.cache/waypoint-plugin-deno/"));
 * ```
 */
export function cacheDir(env: (name: string) => string | undefined = Deno.env.get): string {
  const xdg = env("XDG_CACHE_HOME");
  const home = env("HOME");
  let base: string;
  if (xdg && xdg.startsWith("/")) base = xdg;
  else if (home) base = join(home, ".cache");
  else {throw new Error(
      "Cannot find a cache folder for the Waypoint CLI: set HOME or XDG_CACHE_HOME",
    );}
  return join(base, "waypoint-plugin-deno", `waypoint-${WAYPOINT_VERSION}`);
}

function say(msg: string): void {
  console.error(`waypoint-cli: ${msg}`);
}

async function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: Record<string, string> } = {},
): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  let out;
  try {
    out = await new Deno.Command(cmd, {
      args,
      cwd: opts.cwd,
      env: opts.env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new Error(`Cannot run "${cmd}": it is not on PATH; install it and try again`);
    }
    throw err;
  }
  return { ok: out.success, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** The version line `waypoint version` prints, or the reason it could not run. */
async function versionOf(bin: string): Promise<string> {
  try {
    const r = await run(bin, ["version"]);
    return (r.stdout + r.stderr).trim().split("\n")[0] ?? "";
  } catch (err) {
    return `cannot run: ${(err as Error).message}`;
  }
}

/** sha256 of the stand-in's files: a changed stand-in means a rebuild. */
async function stunDigest(): Promise<string> {
  const parts: string[] = [];
  for (const name of STUN_FILES) parts.push(name, await stunFile(name));
  const hash = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(parts.join("\0")));
  return [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function readStamp(path: string): Promise<string | undefined> {
  try {
    return (await Deno.readTextFile(path)).trim();
  } catch {
    return undefined;
  }
}

/**
 * One build at a time per cache (the tests and the benchmark may ask
 * together): a lock directory holding the builder's pid; a lock whose
 * process is gone is taken over.
 */
async function withLock<T>(dir: string, f: () => Promise<T>): Promise<T> {
  const lock = join(dir, "build.lock");
  let told = false;
  for (;;) {
    try {
      await Deno.mkdir(lock);
      await Deno.writeTextFile(join(lock, "pid"), String(Deno.pid));
      break;
    } catch (err) {
      if (!(err instanceof Deno.errors.AlreadyExists)) throw err;
      const pid = Number(await readStamp(join(lock, "pid")));
      if (pid > 0 && !alive(pid)) {
        await Deno.remove(lock, { recursive: true }).catch(() => {});
        continue;
      }
      if (!told) say(`another process (pid ${pid || "?"}) is building the CLI; waiting for it`);
      told = true;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await f();
  } finally {
    await Deno.remove(lock, { recursive: true }).catch(() => {});
  }
}

function elapsed(since: number): string {
  const s = Math.round((performance.now() - since) / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

/** `go build`, printing a line every 30 s so a slow cold build does not look stuck. */
async function goBuild(src: string, out: string): Promise<void> {
  const started = performance.now();
  const child = new Deno.Command("go", {
    args: ["build", ...BUILD_FLAGS, "-o", out, "./cmd/waypoint"],
    cwd: src,
    env: { GOWORK: "off", GOFLAGS: "-mod=mod" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let log = "";
  const reading = (async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) log += chunk;
  })();
  const stdout = new Response(child.stdout).text();
  const timer = setInterval(() => {
    const downloads = log.split("\n").filter((l) => l.startsWith("go: downloading")).length;
    say(`  still building (${elapsed(started)}; ${downloads} modules downloaded so far)`);
  }, 30_000);
  const status = await child.status;
  clearInterval(timer);
  await reading;
  await stdout;
  if (!status.success) {
    const tail = log.trim().split("\n").slice(-30).join("\n");
    throw new Error(`go build ./cmd/waypoint failed in ${src} (exit ${status.code}):\n${tail}`);
  }
  say(`  built in ${elapsed(started)}`);
}

async function build(dir: string, bin: string, stampFile: string, stamp: string): Promise<void> {
  const started = performance.now();
  say(
    `building Waypoint ${WAYPOINT_VERSION} from source into ${dir} (once: later runs reuse it). ` +
      "Cold, this downloads about 2 GB of Go modules and takes 5 to 10 minutes on 2 cores; with " +
      "a warm Go build cache, well under a minute",
  );
  say(
    `[1/4] go mod download -json ${MODULE}@${WAYPOINT_VERSION} (the source, from the module proxy)`,
  );
  const dl = await run("go", ["mod", "download", "-json", `${MODULE}@${WAYPOINT_VERSION}`], {
    cwd: dir,
    env: { GOWORK: "off", GOFLAGS: "-mod=mod" },
  });
  let info: { Dir?: string; Error?: string } = {};
  try {
    info = JSON.parse(dl.stdout);
  } catch {
    // reported below
  }
  if (!dl.ok || !info.Dir) {
    throw new Error(
      `go mod download of ${MODULE}@${WAYPOINT_VERSION} failed: ${
        info.Error ?? (dl.stderr.trim() || dl.stdout.trim())
      }; check that the Go module proxy (GOPROXY) is reachable`,
    );
  }

  // The module cache is read-only and must stay pristine: build in a copy.
  const src = join(dir, "src");
  const fresh = join(dir, `src.tmp-${Deno.pid}`);
  say(`[2/4] copying the source to ${src} (the module cache is read-only)`);
  await Deno.remove(fresh, { recursive: true }).catch(() => {});
  for (const [cmd, args] of [["cp", ["-R", info.Dir, fresh]], ["chmod", ["-R", "u+w", fresh]]]) {
    const r = await run(cmd as string, args as string[]);
    if (!r.ok) throw new Error(`${cmd} ${(args as string[]).join(" ")} failed: ${r.stderr.trim()}`);
  }
  // A copy of the stand-in inside the cache, so the source tree does not point into a checkout
  // that may move.
  const stun = join(fresh, "third_party_stun");
  await Deno.mkdir(stun);
  for (const name of STUN_FILES) await Deno.writeTextFile(join(stun, name), await stunFile(name));
  say(
    "      replacing gortc.io/stun (refused by the proxy; only the URL service uses it, and the " +
      "tests run the server with -url-enabled=false) with a stand-in whose every call fails",
  );
  const edit = await run("go", ["mod", "edit", "-replace", "gortc.io/stun=./third_party_stun"], {
    cwd: fresh,
  });
  if (!edit.ok) throw new Error(`go mod edit failed: ${edit.stderr.trim()}`);
  await Deno.remove(src, { recursive: true }).catch(() => {});
  await Deno.rename(fresh, src);

  say(`[3/4] go build ${BUILD_FLAGS.join(" ")} ./cmd/waypoint`);
  const tmp = `${bin}.tmp-${Deno.pid}`;
  await goBuild(src, tmp);
  const version = await versionOf(tmp);
  if (!version.includes(WAYPOINT_VERSION)) {
    throw new Error(
      `the Waypoint CLI built in ${src} reports "${version}", not ${WAYPOINT_VERSION}`,
    );
  }
  await Deno.rename(tmp, bin);
  await Deno.writeTextFile(stampFile, stamp + "\n");
  say(`[4/4] cached ${bin} (${version}; ${elapsed(started)} in all). Delete ${dir} to rebuild`);
}

/**
 * The path of a Waypoint v0.11.4 CLI: `$WAYPOINT_BIN` when set (checked to
 * be that version), else the cached build, made first when it is missing or
 * was built with another stand-in. Progress goes to stderr.
 *
 * @example In a test that runs the real CLI
 * ```ts
 * import { waypointBinary } from "@x/waypoint-plugin/waypoint-cli";
 * Deno.test("waypoint version", async () => {
 *   const out = await new Deno.Command(await waypointBinary(), { args: ["version"] }).output();
 *   if (!out.success) throw new Error("waypoint version failed");
 * });
 * ```
 */
export async function waypointBinary(): Promise<string> {
  const given = Deno.env.get("WAYPOINT_BIN");
  if (given) {
    const version = await versionOf(given);
    if (!version.includes(WAYPOINT_VERSION)) {
      throw new Error(
        `WAYPOINT_BIN="${given}" is not Waypoint ${WAYPOINT_VERSION} ("${version}"): point it at ` +
          "that version, or unset it to build one",
      );
    }
    return given;
  }
  const dir = cacheDir();
  const bin = join(dir, "waypoint");
  const stampFile = join(dir, "waypoint.stamp");
  const stamp = `${WAYPOINT_VERSION} stun:${await stunDigest()} flags:${BUILD_FLAGS.join(" ")}`;
  if ((await readStamp(stampFile)) === stamp && (await versionOf(bin)).includes(WAYPOINT_VERSION)) {
    return bin;
  }
  await Deno.mkdir(dir, { recursive: true });
  await withLock(dir, async () => {
    // Another process may have built it while this one waited for the lock.
    if (
      (await readStamp(stampFile)) === stamp && (await versionOf(bin)).includes(WAYPOINT_VERSION)
    ) {
      return;
    }
    await build(dir, bin, stampFile, stamp);
  });
  return bin;
}

const CLI = {
  usage: "Usage: deno run -A jsr:@x/waypoint-plugin/waypoint-cli",
  help: `Usage: deno run -A jsr:@x/waypoint-plugin/waypoint-cli

Builds the real Waypoint ${WAYPOINT_VERSION} CLI from its source on the Go module proxy, once,
and prints its path. WAYPOINT_BIN names one you already have.
`,
  options: {},
} as const;

/**
 * Runs the tool with `args` (as on its command line): prints the CLI's path
 * (building it first when needed) and resolves to the exit code.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { main } from "@x/waypoint-plugin/waypoint-cli";
 * assert.equal(await main(["--help"]), 0);
 * ```
 */
export function main(args: string[]): Promise<number> {
  return runCli(CLI, args, async () => {
    try {
      console.log(await waypointBinary());
    } catch (err) {
      throw new CommandError(err instanceof Error ? err.message : String(err));
    }
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
