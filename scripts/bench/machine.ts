/** The machine a benchmark ran on, for the results file. */
import { REPO } from "../lib/repo.ts";
import { run } from "./exec.ts";

/** CPU, memory, OS, Deno and Go versions, load and commit, one line each. */
export async function machine(): Promise<string[]> {
  const cpuinfo = await Deno.readTextFile("/proc/cpuinfo").catch(() => "");
  const model = cpuinfo.match(/^model name\s*:\s*(.+)$/m)?.[1]?.trim() ?? "unknown CPU";
  const cores = cpuinfo.match(/^processor\s*:/gm)?.length ?? navigator.hardwareConcurrency;
  const mem = Deno.systemMemoryInfo();
  const osRelease = await Deno.readTextFile("/etc/os-release").catch(() => "");
  const os = osRelease.match(/^PRETTY_NAME="?([^"\n]+)"?$/m)?.[1] ?? Deno.build.os;
  const go = await run("go", ["version"]).then((o) => o.stdout.trim()).catch(() => "go: not found");
  const git = await run("git", ["rev-parse", "--short", "HEAD"], { cwd: REPO }).catch(() => null);
  const dirty = await run("git", ["status", "--porcelain"], { cwd: REPO }).catch(() => null);
  const load = Deno.loadavg().map((x) => x.toFixed(2)).join(" ");
  return [
    `CPU: ${model}, ${cores} cores (${navigator.hardwareConcurrency} usable)`,
    `memory: ${(mem.total / 1024 ** 3).toFixed(1)} GiB (${
      (mem.available / 1024 ** 3).toFixed(1)
    } GiB available at start)`,
    `OS: ${os}, Linux ${Deno.osRelease()} ${Deno.build.arch}`,
    `Deno ${Deno.version.deno} (V8 ${Deno.version.v8}); ${go.replace(/^go version /, "Go ")}`,
    `load average at start: ${load}`,
    `commit: ${git?.stdout.trim() || "?"}${dirty?.stdout.trim() ? " + uncommitted changes" : ""}`,
  ];
}
