/**
 * Runs `go build -v` / `go install -v` and turns go's stderr into progress
 * events: `go: downloading <module> <version>` lines while modules come in,
 * then one package path per compiled package. Everything else go prints is
 * kept for the error message.
 */
import type { BuildCounts, Progress } from "./build_progress.ts";

/** What to build. */
export interface GoBuildOptions {
  /** `go` and its arguments without `-v`, e.g. `["build", "-o", out, "."]`. */
  args: string[];
  /** The directory go runs in. */
  cwd: string;
  /** What is built, for the error message ("the conformance host"). */
  what: string;
  /** Extra environment (e.g. `GOBIN`). */
  env?: Record<string, string>;
  /** A package (in `cwd`) whose stale dependencies give the number of packages to compile. */
  count?: string;
  /** Receives the events. */
  progress?: Progress;
}

/** A line of `go build -v` that names a compiled package (an import path, nothing else). */
const PACKAGE_LINE = /^[A-Za-z0-9_.~+\-/]+$/;
const DOWNLOAD_LINE = /^go: downloading (\S+ \S+)$/;

async function lines(
  stream: ReadableStream<Uint8Array>,
  each: (line: string) => void,
): Promise<void> {
  let rest = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    rest += chunk;
    const parts = rest.split("\n");
    rest = parts.pop() ?? "";
    for (const p of parts) each(p.replace(/\r$/, ""));
  }
  if (rest) each(rest);
}

async function runGo(
  args: string[],
  o: GoBuildOptions,
  counts: BuildCounts,
  other: string[],
): Promise<{ ok: boolean; stdout: string }> {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command("go", {
      args,
      cwd: o.cwd,
      env: o.env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new Error(
        `Cannot build ${o.what}: "go" was not found on PATH; install Go 1.22 or newer (https://go.dev/dl/)`,
      );
    }
    throw err;
  }
  const stdout = new Response(child.stdout).text();
  await lines(child.stderr, (line) => {
    const dl = DOWNLOAD_LINE.exec(line);
    if (dl) {
      counts.downloaded++;
      o.progress?.download(dl[1], counts);
    } else if (args.includes("-v") && PACKAGE_LINE.test(line)) {
      counts.compiled++;
      o.progress?.compile(line, counts);
    } else if (line.trim()) {
      other.push(line);
    }
  });
  const status = await child.status;
  return { ok: status.success, stdout: await stdout };
}

/**
 * Builds with go, reporting progress; throws with go's own words when the
 * build fails. Returns what was downloaded and compiled.
 */
export async function goBuild(o: GoBuildOptions): Promise<BuildCounts> {
  const counts: BuildCounts = { downloaded: 0, compiled: 0 };
  const other: string[] = [];
  let ok = true;
  try {
    if (o.count) {
      // Stale packages are the ones go build will compile; this also downloads missing modules.
      const listed = await runGo(
        ["list", "-deps", "-f", "{{if .Stale}}{{.ImportPath}}{{end}}", o.count],
        o,
        counts,
        other,
      );
      if (listed.ok) counts.total = listed.stdout.split("\n").filter((l) => l.trim()).length;
      else other.length = 0; // go build says it again, in full
    }
    const [verb, ...rest] = o.args;
    const built = await runGo([verb, "-v", ...rest], o, counts, other);
    ok = built.ok;
  } catch (err) {
    ok = false;
    throw err;
  } finally {
    o.progress?.finish(counts, ok);
  }
  if (!ok) throw new Error(`go ${o.args.join(" ")} of ${o.what} failed:\n${other.join("\n")}`);
  return counts;
}
