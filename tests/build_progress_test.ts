/**
 * A long go build says what it is doing: plain lines off a terminal, one
 * line ticking in place on one, and nothing at all when go has nothing to do.
 */
import { assert, assertEquals, assertStringIncludes } from "./support/assert.ts";
import { join } from "./support/path.ts";
import { BuildProgress, type ProgressMode } from "./support/build_progress.ts";
import { goBuild } from "./support/go_build.ts";
import { tempDir } from "./support/host.ts";

const dec = new TextDecoder();

function recorder(mode: ProgressMode) {
  let text = "";
  let clock = 0;
  const progress = new BuildProgress({
    intro: ["• building the thing"],
    mode,
    out: { writeSync: (p) => (text += dec.decode(p), p.length) },
    now: () => clock,
  });
  return { progress, text: () => text, at: (ms: number) => clock = ms };
}

Deno.test("plain progress: the intro once, a line per phase and every 10 s, then a summary", () => {
  const r = recorder("lines");
  r.at(500);
  r.progress.download("example.com/a v1.0.0", { downloaded: 1, compiled: 0 });
  r.at(900);
  r.progress.download("example.com/b v1.0.0", { downloaded: 2, compiled: 0 });
  r.at(2000);
  r.progress.compile("runtime", { downloaded: 2, compiled: 1, total: 3 });
  r.at(5000);
  r.progress.compile("fmt", { downloaded: 2, compiled: 2, total: 3 });
  r.at(12500);
  r.progress.compile("main", { downloaded: 2, compiled: 3, total: 3 });
  r.at(61000);
  r.progress.finish({ downloaded: 2, compiled: 3, total: 3 }, true);
  assertEquals(
    r.text(),
    [
      "• building the thing",
      "  downloading Go modules: 1 (example.com/a v1.0.0)  1s",
      "  compiling: 1/3 packages (runtime)  2s",
      "  compiling: 3/3 packages (main)  13s",
      "  done in 1m01s: 2 modules downloaded, 3 packages compiled",
      "",
    ].join("\n"),
  );
});

Deno.test("terminal progress rewrites one status line and ends it with the summary", () => {
  const r = recorder("tty");
  r.at(1000);
  r.progress.compile("runtime", { downloaded: 0, compiled: 1, total: 2 });
  r.at(3000);
  r.progress.compile("main", { downloaded: 0, compiled: 2, total: 2 });
  r.progress.finish({ downloaded: 0, compiled: 2, total: 2 }, true);
  assertEquals(
    r.text(),
    "• building the thing\n" +
      "\r\x1b[2K  compiling: 1/2 packages (runtime)  1s" +
      "\r\x1b[2K  compiling: 2/2 packages (main)  3s" +
      "\r\x1b[2K  done in 3s: 2 packages compiled\n",
  );
});

Deno.test("a build with nothing to do prints nothing; a failed one says so", () => {
  const quiet = recorder("lines");
  quiet.progress.finish({ downloaded: 0, compiled: 0 }, true);
  assertEquals(quiet.text(), "");
  const failed = recorder("lines");
  failed.at(2000);
  failed.progress.compile("main", { downloaded: 0, compiled: 1 });
  failed.progress.finish({ downloaded: 0, compiled: 1 }, false);
  assertStringIncludes(failed.text(), "  compiling: 1 packages (main)  2s\n");
  assertStringIncludes(failed.text(), "  failed after 2s (1 package compiled)\n");
});

Deno.test("goBuild reports each package go compiles, the stale count, and nothing once cached", async () => {
  const dir = await tempDir("gobuild-");
  await Deno.writeTextFile(join(dir, "go.mod"), "module example.com/tiny\n\ngo 1.22\n");
  await Deno.writeTextFile(join(dir, "main.go"), "package main\n\nfunc main() {}\n");
  const env = { GOCACHE: join(dir, "cache"), GOFLAGS: "-buildvcs=false" };
  const seen: string[] = [];
  const progress = {
    download: () => {},
    compile: (pkg: string) => void seen.push(pkg),
    finish: () => {},
  };
  const args = ["build", "-o", join(dir, "tiny"), "."];
  const cold = await goBuild({ args, cwd: dir, what: "tiny", env, count: ".", progress });
  assert(seen.includes("runtime") && seen.includes("example.com/tiny"), seen.join(" "));
  assertEquals(cold.compiled, seen.length);
  assertEquals(cold.total, seen.length);
  const warm = await goBuild({ args, cwd: dir, what: "tiny", env, count: "." });
  assertEquals(warm.compiled, 0);

  await Deno.writeTextFile(join(dir, "main.go"), "package main\n\nfunc main() {\n");
  const err = await goBuild({ args, cwd: dir, what: "tiny", env }).then(
    () => undefined,
    (e: Error) => e.message,
  );
  assert(err, "a broken build must throw");
  assertStringIncludes(err, "go build -o");
  assertStringIncludes(err, "of tiny failed:");
  assertStringIncludes(err, "main.go:4:1: syntax error");
  await Deno.remove(dir, { recursive: true });
});
