/**
 * `SHA256SUMS`: the checksums of a release's files, in the format
 * `sha256sum -c` checks.
 *
 * @module
 */

/** Lowercase hex SHA-256 of some bytes. */
export async function sha256Hex(data: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * `SHA256SUMS` text in `sha256sum` format (`<hex>  <path>`, two spaces),
 * sorted by path, so `sha256sum -c SHA256SUMS` checks it in its folder.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { sha256sums } from "./checksums.ts";
 * const text = sha256sums([{ path: "b.zip", sha256: "bb" }, { path: "a/x", sha256: "aa" }]);
 * assert(text === "aa  a/x\nbb  b.zip\n");
 * ```
 */
export function sha256sums(files: readonly { path: string; sha256: string }[]): string {
  return [...files]
    .sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0)
    .map((f) => `${f.sha256}  ${f.path.replaceAll("\\", "/")}\n`)
    .join("");
}
