/**
 * Stand-ins for Deno's runtime (denort), which `deno compile` downloads from
 * dl.deno.land and this machine cannot reach: a tiny Go program built for
 * each target's OS and CPU. `deno compile` only needs a well-formed ELF,
 * Mach-O or PE to append the plugin to; the result does not run the plugin,
 * but its size minus the stand-in's is the payload. The tests' compile
 * checks and the benchmark's payload rows use them.
 *
 * @module
 */
import { join } from "./path.ts";
import { WORK } from "./repo.ts";
import { TARGETS } from "../../src/tools/compile/targets.ts";

let standins: Promise<Record<string, string>> | undefined;

async function exists(path: string): Promise<boolean> {
  return await Deno.lstat(path).then(() => true, () => false);
}

/** Builds a tiny Go program per target once (in tests/.work/fake_denort); returns goName → path. */
export function standinRuntimes(): Promise<Record<string, string>> {
  standins ??= (async () => {
    const dir = join(WORK, "fake_denort");
    await Deno.mkdir(dir, { recursive: true });
    await Deno.writeTextFile(join(dir, "go.mod"), "module fakedenort\n\ngo 1.21\n");
    await Deno.writeTextFile(
      join(dir, "main.go"),
      'package main\n\nfunc main() { println("fake") }\n',
    );
    const paths: Record<string, string> = {};
    await Promise.all(TARGETS.map(async (t) => {
      const out = join(dir, `rt_${t.goName}`);
      paths[t.goName] = out;
      if (await exists(out)) return;
      const r = await new Deno.Command("go", {
        args: ["build", "-trimpath", "-ldflags=-s -w", "-o", out, "."],
        cwd: dir,
        env: { GOOS: t.os, GOARCH: t.arch, CGO_ENABLED: "0" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      if (!r.success) {
        throw new Error(
          `go build for ${t.goName} failed: ${new TextDecoder().decode(r.stderr)}`,
        );
      }
    }));
    return paths;
  })();
  return standins;
}
