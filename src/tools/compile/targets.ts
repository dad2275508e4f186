/**
 * The targets `deno compile` builds a plugin for, by Go's `<os>_<arch>`
 * names (the output folders, as HashiCorp's plugin Makefiles name them) and
 * Rust's triples (what `deno compile --target` takes).
 *
 * @module
 */
import { UsageError } from "../cli.ts";

/** An operating system a plugin can be compiled for, by its Go name. */
export type TargetOs = "linux" | "darwin" | "windows";
/** A CPU a plugin can be compiled for, by its Go name. */
export type TargetArch = "amd64" | "arm64";

/** One `deno compile --target`. */
export interface Target {
  /** Go's `<os>_<arch>`, e.g. `linux_amd64`: the output folder's name. */
  readonly goName: string;
  /** The Rust triple `deno compile --target` takes, e.g. `x86_64-unknown-linux-gnu`. */
  readonly triple: string;
  /** Go's OS name. */
  readonly os: TargetOs;
  /** Go's architecture name. */
  readonly arch: TargetArch;
}

/**
 * Every target `deno compile --target` of Deno 2.9.6 accepts (its error for an
 * unknown target lists exactly these six), in output order.
 */
export const TARGETS: readonly Target[] = [
  { goName: "linux_amd64", triple: "x86_64-unknown-linux-gnu", os: "linux", arch: "amd64" },
  { goName: "linux_arm64", triple: "aarch64-unknown-linux-gnu", os: "linux", arch: "arm64" },
  { goName: "darwin_amd64", triple: "x86_64-apple-darwin", os: "darwin", arch: "amd64" },
  { goName: "darwin_arm64", triple: "aarch64-apple-darwin", os: "darwin", arch: "arm64" },
  { goName: "windows_amd64", triple: "x86_64-pc-windows-msvc", os: "windows", arch: "amd64" },
  { goName: "windows_arm64", triple: "aarch64-pc-windows-msvc", os: "windows", arch: "arm64" },
];

/**
 * Finds a target by Go name (`linux_amd64`) or Rust triple
 * (`x86_64-unknown-linux-gnu`), case-insensitively.
 *
 * @example Both spellings
 * ```ts
 * import assert from "node:assert";
 * import { findTarget } from "./targets.ts";
 * assert(findTarget("darwin_arm64")?.triple === "aarch64-apple-darwin");
 * assert(findTarget("x86_64-pc-windows-msvc")?.goName === "windows_amd64");
 * assert(findTarget("x86") === undefined);
 * ```
 */
export function findTarget(name: string): Target | undefined {
  const n = name.trim().toLowerCase();
  return TARGETS.find((t) => t.goName === n || t.triple === n);
}

/** The valid target names, for error messages: `linux_amd64 (x86_64-unknown-linux-gnu), …`. */
export function targetList(): string {
  return TARGETS.map((t) => `${t.goName} (${t.triple})`).join(", ");
}

/**
 * Parses `--target` values (each comma-separated, Go names or triples) into
 * targets in table order, without duplicates; no values means every target.
 * Throws {@linkcode UsageError} naming the unknown value and the valid ones.
 */
export function parseTargets(values: readonly string[]): Target[] {
  const names = values.flatMap((v) => v.split(",")).map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) return [...TARGETS];
  const picked = new Set<Target>();
  for (const n of names) {
    const t = findTarget(n);
    if (!t) {
      throw new UsageError(`Unknown target "${n}": valid targets are ${targetList()}`);
    }
    picked.add(t);
  }
  return TARGETS.filter((t) => picked.has(t));
}

/** The target of a host as `Deno.build` describes it, or `undefined` when Deno cannot compile for it. */
export function hostTarget(os: string, arch: string): Target | undefined {
  const goArch = arch === "x86_64" ? "amd64" : arch === "aarch64" ? "arm64" : arch;
  return TARGETS.find((t) => t.os === os && t.arch === goArch);
}
