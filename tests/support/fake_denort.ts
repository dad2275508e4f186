/**
 * Stand-ins for Deno's runtime (denort), which `deno compile` downloads from
 * dl.deno.land and this machine cannot reach: a tiny Go program built for
 * each target's OS and CPU. `deno compile` only needs a well-formed ELF,
 * Mach-O or PE to append the plugin to; the result does not run the plugin.
 */
import { standinRuntimes } from "../../scripts/lib/standin_runtime.ts";

/** Builds a tiny Go program per target once; returns goName → path. */
export function fakeRuntimes(): Promise<Record<string, string>> {
  return standinRuntimes();
}

/** `DENORT_BIN_<OS>_<ARCH>` for each runtime of {@linkcode fakeRuntimes}. */
export function runtimeEnv(paths: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(paths).map(([g, p]) => [`DENORT_BIN_${g.toUpperCase()}`, p]),
  );
}
