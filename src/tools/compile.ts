/**
 * `compile`: builds a plugin's release binaries with `deno compile` — one per
 * target Deno can compile for, with the plugin's permissions baked in and
 * prompts off (a prompt would read Waypoint's own stdin) — plus a zip per
 * target and a `SHA256SUMS` file.
 *
 * ```sh
 * deno run -A jsr:@x/waypoint-plugin/compile --name gobuilder            # every target
 * deno run -A jsr:@x/waypoint-plugin/compile --target linux_amd64 --dry-run
 * ```
 *
 * Layout (Go's `<os>_<arch>` names, as HashiCorp's plugin Makefiles use):
 *
 * ```
 * bin/linux_amd64/waypoint-plugin-<name>
 * bin/windows_amd64/waypoint-plugin-<name>.exe   (and waypoint-plugin-<name>: see below)
 * bin/waypoint-plugin-<name>_<version>_<os>_<arch>.zip
 * bin/SHA256SUMS
 * ```
 *
 * Waypoint 0.11 compares `runtime.GOOS == "windows "` (with a space), so on
 * Windows it probes `waypoint-plugin-<name>` without `.exe`; Go's `os/exec`
 * then resolves that path through `PATHEXT` to the `.exe`. Windows targets
 * therefore get both names.
 *
 * The module also exports the pure parts (target table, invocations,
 * permissions, `SHA256SUMS` text, a ZIP writer and reader) that `install`
 * and tests use.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { basename, dirname, join, relative } from "node:path";
import { crc32, deflateRawSync } from "node:zlib";
import { Buffer } from "node:buffer";

// ---------------------------------------------------------------------------------------------
// Targets

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
 * A mistake of the person running a tool (bad option, bad config value): the
 * CLI prints its help and `error: <message>`, and exits 2.
 */
export class UsageError extends Error {
  /** @param message what is wrong and how to fix it */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * Finds a target by Go name (`linux_amd64`) or Rust triple
 * (`x86_64-unknown-linux-gnu`), case-insensitively.
 *
 * @example Both spellings
 * ```ts
 * import { findTarget } from "./compile.ts";
 * console.assert(findTarget("darwin_arm64")?.triple === "aarch64-apple-darwin");
 * console.assert(findTarget("x86_64-pc-windows-msvc")?.goName === "windows_amd64");
 * console.assert(findTarget("x86") === undefined);
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
      throw new UsageError(`unknown target "${n}": valid targets are ${targetList()}`);
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

// ---------------------------------------------------------------------------------------------
// Names and layout

const PLUGIN_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const VERSION_RE = /^[0-9A-Za-z][0-9A-Za-z.+_-]*$/;

/**
 * The plugin name when `--name` is not given: deno.json `name` without its
 * `@scope/` and a `waypoint-plugin-` prefix, else the folder's name (without
 * that prefix).
 *
 * @example
 * ```ts
 * import { defaultPluginName } from "./compile.ts";
 * console.assert(defaultPluginName("@local/waypoint-plugin-gobuilder", "/x") === "gobuilder");
 * console.assert(defaultPluginName(undefined, "/src/waypoint-plugin-k8s") === "k8s");
 * ```
 */
export function defaultPluginName(configName: string | undefined, dir: string): string {
  const raw = configName ? configName.replace(/^@[^/]*\//, "") : basename(dir);
  return raw.replace(/^waypoint-plugin-/, "");
}

/**
 * Checks a plugin name (it becomes the file name `waypoint-plugin-<name>` and
 * must equal the `use "<name>"` label); throws {@linkcode UsageError}.
 */
export function checkPluginName(name: string, from: string): string {
  if (!PLUGIN_NAME.test(name)) {
    throw new UsageError(
      `${from} "${name}" is not a valid plugin name: use letters, digits, "-" and "_" ` +
        `(it is the label in \`use "<name>"\` and the file name waypoint-plugin-<name>); ` +
        `pass --name <name>`,
    );
  }
  return name;
}

/** The executable's file name: `waypoint-plugin-<name>`, plus `.exe` on Windows. */
export function binaryName(name: string, os: string): string {
  return `waypoint-plugin-${name}${os === "windows" ? ".exe" : ""}`;
}

/** The release zip's file name: `waypoint-plugin-<name>_<version>_<os>_<arch>.zip`. */
export function zipName(name: string, version: string, target: Target): string {
  return `waypoint-plugin-${name}_${version}_${target.goName}.zip`;
}

// ---------------------------------------------------------------------------------------------
// Permissions

/** Permission names `--allow` and deno.json `waypoint.permissions` accept. */
export const PERMISSION_NAMES: readonly string[] = [
  "env",
  "read",
  "write",
  "net",
  "run",
  "sys",
  "ffi",
  "import",
  "all",
];

/**
 * What a plugin gets unless told otherwise: what the toolkit's `serve()` and a
 * typical builder need (the cookie and config from the environment, a socket
 * in a temp dir, gRPC, child processes such as `go build`, OS info).
 */
export const DEFAULT_PERMISSIONS: readonly string[] = ["env", "read", "write", "net", "run", "sys"];

/**
 * V8's heap settings for a plugin, passed as `--v8-flags` wherever the
 * toolkit starts or builds one (`deno compile`, the `install --dev`
 * launcher). V8's defaults suit a busy web server: the young generation
 * grows to 3 × 16 MiB and the old one to up to 4 × what is live. A plugin
 * process serving build after build (debug mode) then grew from 60 to over
 * 200 MiB with 14 MiB live; with a 1 MiB semi-space and 30 % headroom it
 * stays near 90 MiB, at the same speed. V8 reads them only at start-up.
 */
export const PLUGIN_V8_FLAGS: string =
  "--v8-flags=--max-semi-space-size=1,--heap-growing-percent=30";

/**
 * Splits `--allow` values into permission specs: a value with `=` is one
 * scoped permission (`net=127.0.0.1,localhost`: the scope may hold commas),
 * any other value is a comma-separated list of names (`env,read,run`).
 */
export function parseAllowValues(values: readonly string[]): string[] {
  return values.flatMap((v) =>
    v.includes("=") ? [v.trim()] : v.split(",").map((s) => s.trim()).filter(Boolean)
  );
}

/**
 * Turns permission specs (`env`, `net=127.0.0.1`, `all`) into `deno` flags
 * (`--allow-env`, `--allow-net=127.0.0.1`, `--allow-all`). `from` names where
 * the specs came from, for the {@linkcode UsageError} a bad spec throws.
 *
 * @example
 * ```ts
 * import { permissionFlags } from "./compile.ts";
 * const flags = permissionFlags(["env", "net=127.0.0.1"], "--allow");
 * console.assert(flags.join(" ") === "--allow-env --allow-net=127.0.0.1");
 * ```
 */
export function permissionFlags(specs: readonly string[], from: string): string[] {
  const seen = new Set<string>();
  const flags: string[] = [];
  for (const spec of specs) {
    const eq = spec.indexOf("=");
    const name = eq < 0 ? spec : spec.slice(0, eq);
    const scope = eq < 0 ? undefined : spec.slice(eq + 1);
    if (!PERMISSION_NAMES.includes(name)) {
      throw new UsageError(
        `${from}: unknown permission "${spec}": use ${PERMISSION_NAMES.join(", ")}, ` +
          `optionally scoped as name=value (e.g. net=127.0.0.1)`,
      );
    }
    if (scope !== undefined && (scope === "" || name === "all")) {
      throw new UsageError(
        `${from}: permission "${spec}" has ${
          name === "all" ? "a scope, which all does not take" : "an empty scope"
        }: write "${name}"${name === "all" ? "" : ` or "${name}=<value>"`}`,
      );
    }
    if (seen.has(name)) {
      throw new UsageError(`${from}: permission "${name}" is given twice: keep one`);
    }
    seen.add(name);
    flags.push(`--allow-${name}${scope === undefined ? "" : `=${scope}`}`);
  }
  return flags;
}

// ---------------------------------------------------------------------------------------------
// The project's deno.json

/** What the tools read from a project's `deno.json`. */
export interface ProjectConfig {
  /** Path of the `deno.json`, when the project has one. */
  readonly path?: string;
  /** Its `name`. */
  readonly name?: string;
  /** Its `version`. */
  readonly version?: string;
  /** Its `waypoint.permissions`: permission specs such as `"env"` or `"net=127.0.0.1"`. */
  readonly permissions?: readonly string[];
}

/**
 * Reads `<dir>/deno.json` (absent: an empty config). Throws
 * {@linkcode UsageError} when it is not JSON or `waypoint.permissions` is
 * not an array of strings.
 */
export async function readProjectConfig(dir: string): Promise<ProjectConfig> {
  const path = join(dir, "deno.json");
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return {};
    throw err;
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  const str = (v: unknown) => typeof v === "string" && v !== "" ? v : undefined;
  const wp = json.waypoint;
  let permissions: string[] | undefined;
  if (wp !== undefined) {
    if (typeof wp !== "object" || wp === null || Array.isArray(wp)) {
      throw new UsageError(
        `${path}: field "waypoint" must be an object such as {"permissions": ["env", "net"]}: ` +
          `got ${JSON.stringify(wp)}`,
      );
    }
    const p = (wp as Record<string, unknown>).permissions;
    if (p !== undefined) {
      if (!Array.isArray(p) || p.some((x) => typeof x !== "string")) {
        throw new UsageError(
          `${path}: field "waypoint.permissions" must be an array of permission names such as ` +
            `["env", "read", "net=127.0.0.1"]: got ${JSON.stringify(p)}`,
        );
      }
      permissions = p as string[];
    }
  }
  return { path, name: str(json.name), version: str(json.version), permissions };
}

/**
 * The permission flags to bake in: `--allow` values if any, else deno.json
 * `waypoint.permissions`, else {@linkcode DEFAULT_PERMISSIONS}.
 */
export function resolvePermissions(allow: readonly string[], config: ProjectConfig): string[] {
  if (allow.length > 0) return permissionFlags(parseAllowValues(allow), "--allow");
  if (config.permissions) {
    return permissionFlags(config.permissions, `${config.path}: "waypoint.permissions"`);
  }
  return permissionFlags(DEFAULT_PERMISSIONS, "defaults");
}

// ---------------------------------------------------------------------------------------------
// Invocations

/** Options of {@linkcode compileInvocations}. */
export interface CompileOptions {
  /** The plugin name (`waypoint-plugin-<name>`). */
  readonly name: string;
  /** The entry module, as passed to `deno compile`. */
  readonly entry: string;
  /** Output folder. Default `bin`. */
  readonly out?: string;
  /** Targets to build. Default: {@linkcode TARGETS}. */
  readonly targets?: readonly Target[];
  /** Permission flags to bake in. Default: those of {@linkcode DEFAULT_PERMISSIONS}. */
  readonly permissions?: readonly string[];
  /** A `deno.json` to pass as `--config`. Default: none (deno finds one itself). */
  readonly config?: string;
}

/** One `deno compile` run. */
export interface Invocation {
  /** The Rust triple. */
  readonly target: string;
  /** Go's `<os>_<arch>`. */
  readonly goName: string;
  /** Arguments for `deno` (starting with `compile`). */
  readonly args: string[];
  /** The file `deno compile` writes. */
  readonly output: string;
  /** Windows only: the extension-less copy Waypoint 0.11 probes for. */
  readonly alias?: string;
}

/**
 * The `deno compile` runs that build a plugin, one per target.
 *
 * @example
 * ```ts
 * import { compileInvocations, findTarget } from "./compile.ts";
 * const [inv] = compileInvocations({
 *   name: "gobuilder",
 *   entry: "main.ts",
 *   targets: [findTarget("linux_arm64")!],
 *   permissions: ["--allow-env", "--allow-net"],
 * });
 * console.assert(inv.args.join(" ") ===
 *   "compile --no-prompt --v8-flags=--max-semi-space-size=1,--heap-growing-percent=30 " +
 *     "--allow-env --allow-net --target aarch64-unknown-linux-gnu " +
 *     "--output bin/linux_arm64/waypoint-plugin-gobuilder main.ts");
 * ```
 */
export function compileInvocations(options: CompileOptions): Invocation[] {
  const out = options.out ?? "bin";
  const permissions = options.permissions ?? permissionFlags(DEFAULT_PERMISSIONS, "defaults");
  return (options.targets ?? TARGETS).map((t) => {
    const output = join(out, t.goName, binaryName(options.name, t.os));
    const args = [
      "compile",
      "--no-prompt",
      PLUGIN_V8_FLAGS,
      ...permissions,
      ...(options.config ? ["--config", options.config] : []),
      "--target",
      t.triple,
      "--output",
      output,
      options.entry,
    ];
    const alias = t.os === "windows"
      ? join(out, t.goName, binaryName(options.name, ""))
      : undefined;
    return { target: t.triple, goName: t.goName, args, output, ...(alias ? { alias } : {}) };
  });
}

/** Quotes a word for a POSIX shell when it needs it. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_\-.,/=:@+%]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

// ---------------------------------------------------------------------------------------------
// Checksums

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
 * import { sha256sums } from "./compile.ts";
 * const text = sha256sums([{ path: "b.zip", sha256: "bb" }, { path: "a/x", sha256: "aa" }]);
 * console.assert(text === "aa  a/x\nbb  b.zip\n");
 * ```
 */
export function sha256sums(files: readonly { path: string; sha256: string }[]): string {
  return [...files]
    .sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0)
    .map((f) => `${f.sha256}  ${f.path.replaceAll("\\", "/")}\n`)
    .join("");
}

// ---------------------------------------------------------------------------------------------
// ZIP

/** A file to put in a zip. */
export interface ZipEntry {
  /** Path inside the archive, with `/` separators. */
  readonly name: string;
  /** The file's bytes. */
  readonly data: Uint8Array;
  /** Unix permission bits. Default `0o644`. */
  readonly mode?: number;
  /** Modification time. Default: 1980-01-01 (ZIP's epoch), for reproducible archives. */
  readonly mtime?: Date;
}

/** An entry as the central directory of a zip records it. */
export interface ZipListing {
  /** Path inside the archive. */
  readonly name: string;
  /** 0 stored, 8 deflated. */
  readonly method: number;
  /** CRC-32 of the uncompressed bytes. */
  readonly crc32: number;
  /** Size in the archive. */
  readonly compressedSize: number;
  /** Uncompressed size. */
  readonly size: number;
  /** Unix permission bits (0 when the archive records none). */
  readonly mode: number;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;

function dosDateTime(d: Date): { time: number; date: number } {
  if (d.getFullYear() < 1980) return { time: 0, date: (1 << 5) | 1 };
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1),
    date: ((d.getFullYear() - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

/**
 * Writes a ZIP archive (deflated with node:zlib, stored when deflating does
 * not help), recording Unix permissions so `unzip` restores exec bits. No
 * ZIP64: throws `RangeError` for files of 4 GiB or more, or over 65535
 * entries.
 *
 * @example
 * ```ts
 * import { zip, zipEntries } from "./compile.ts";
 * const data = new TextEncoder().encode("#!/bin/sh\necho hi\n".repeat(10));
 * const bytes = zip([{ name: "hi", data, mode: 0o755 }]);
 * const [e] = zipEntries(bytes);
 * console.assert(e.name === "hi" && e.size === data.length && e.mode === 0o755);
 * ```
 */
export function zip(entries: readonly ZipEntry[]): Uint8Array {
  if (entries.length > 0xffff) throw new RangeError(`zip: ${entries.length} entries (max 65535)`);
  const enc = new TextEncoder();
  const compressed = new Map<Uint8Array, { method: number; body: Uint8Array; crc: number }>();
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    if (e.data.length >= 0xffffffff) {
      throw new RangeError(`zip: "${e.name}" is ${e.data.length} bytes (max 4 GiB without ZIP64)`);
    }
    let c = compressed.get(e.data);
    if (!c) {
      const deflated = deflateRawSync(e.data);
      c = deflated.length < e.data.length
        ? { method: 8, body: new Uint8Array(deflated), crc: crc32(e.data) >>> 0 }
        : { method: 0, body: e.data, crc: crc32(e.data) >>> 0 };
      compressed.set(e.data, c);
    }
    const name = enc.encode(e.name);
    // deno-lint-ignore no-control-regex
    const utf8 = /[^\x00-\x7f]/.test(e.name) ? 0x0800 : 0;
    const { time, date } = dosDateTime(e.mtime ?? new Date(1980, 0, 1));
    const needed = c.method === 8 ? 20 : 10;

    const local = new Uint8Array(30 + name.length + c.body.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, SIG_LOCAL, true);
    lv.setUint16(4, needed, true);
    lv.setUint16(6, utf8, true);
    lv.setUint16(8, c.method, true);
    lv.setUint16(10, time, true);
    lv.setUint16(12, date, true);
    lv.setUint32(14, c.crc, true);
    lv.setUint32(18, c.body.length, true);
    lv.setUint32(22, e.data.length, true);
    lv.setUint16(26, name.length, true);
    lv.setUint16(28, 0, true);
    local.set(name, 30);
    local.set(c.body, 30 + name.length);

    const central = new Uint8Array(46 + name.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, SIG_CENTRAL, true);
    cv.setUint16(4, (3 << 8) | 30, true); // made by Unix, spec 3.0: external attrs hold st_mode
    cv.setUint16(6, needed, true);
    cv.setUint16(8, utf8, true);
    cv.setUint16(10, c.method, true);
    cv.setUint16(12, time, true);
    cv.setUint16(14, date, true);
    cv.setUint32(16, c.crc, true);
    cv.setUint32(20, c.body.length, true);
    cv.setUint32(24, e.data.length, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(38, ((0o100000 | (e.mode ?? 0o644)) << 16) >>> 0, true);
    cv.setUint32(42, offset, true);
    central.set(name, 46);

    locals.push(local);
    centrals.push(central);
    offset += local.length;
  }
  const cdSize = centrals.reduce((n, c) => n + c.length, 0);
  if (offset + cdSize >= 0xffffffff) throw new RangeError("zip: archive of 4 GiB or more");
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, SIG_END, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);
  const out = new Uint8Array(offset + cdSize + end.length);
  let at = 0;
  for (const part of [...locals, ...centrals, end]) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Lists a zip's entries from its central directory. Throws `TypeError` when
 * the bytes are not a zip.
 */
export function zipEntries(bytes: Uint8Array): ZipListing[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === SIG_END) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new TypeError("not a zip archive: no end of central directory record");
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const dec = new TextDecoder();
  const list: ZipListing[] = [];
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== SIG_CENTRAL) {
      throw new TypeError(`not a zip archive: bad central directory entry ${i} at ${at}`);
    }
    const nameLen = view.getUint16(at + 28, true);
    const extraLen = view.getUint16(at + 30, true);
    const commentLen = view.getUint16(at + 32, true);
    const madeBy = view.getUint16(at + 4, true) >> 8;
    list.push({
      name: dec.decode(bytes.subarray(at + 46, at + 46 + nameLen)),
      method: view.getUint16(at + 10, true),
      crc32: view.getUint32(at + 16, true),
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      mode: madeBy === 3 ? (view.getUint32(at + 38, true) >>> 16) & 0o7777 : 0,
    });
    at += 46 + nameLen + extraLen + commentLen;
  }
  return list;
}

// ---------------------------------------------------------------------------------------------
// The base runtime (denort)

/** The environment variable naming one target's runtime: `DENORT_BIN_DARWIN_ARM64`. */
export function runtimeVariable(target: Target): string {
  return `DENORT_BIN_${target.goName.toUpperCase()}`;
}

/**
 * The runtime the environment names for a target: `DENORT_BIN_<OS>_<ARCH>`,
 * else `DENORT_BIN` (deno compile's own variable, for every target).
 */
export function runtimeFromEnv(
  target: Target,
  env: (name: string) => string | undefined,
): { variable: string; path: string } | undefined {
  for (const variable of [runtimeVariable(target), "DENORT_BIN"]) {
    const path = env(variable);
    if (path) return { variable, path };
  }
  return undefined;
}

/**
 * The OS and CPU of an executable from its first bytes (ELF, Mach-O, PE),
 * or `undefined` when the format is not one of these.
 */
export function executableKind(
  head: Uint8Array,
): { os: TargetOs; arch: TargetArch | "other" } | undefined {
  const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (head.length >= 20 && v.getUint32(0) === 0x7f454c46) {
    const machine = v.getUint16(18, head[5] !== 2);
    return { os: "linux", arch: machine === 0x3e ? "amd64" : machine === 0xb7 ? "arm64" : "other" };
  }
  if (head.length >= 8 && v.getUint32(0, true) === 0xfeedfacf) {
    const cpu = v.getUint32(4, true);
    return {
      os: "darwin",
      arch: cpu === 0x01000007 ? "amd64" : cpu === 0x0100000c ? "arm64" : "other",
    };
  }
  if (head.length >= 0x40 && head[0] === 0x4d && head[1] === 0x5a) {
    const pe = v.getUint32(0x3c, true);
    if (pe + 6 <= head.length && v.getUint32(pe) === 0x50450000) {
      const machine = v.getUint16(pe + 4, true);
      return {
        os: "windows",
        arch: machine === 0x8664 ? "amd64" : machine === 0xaa64 ? "arm64" : "other",
      };
    }
  }
  return undefined;
}

/**
 * Text that only the full `deno` CLI carries: its help for `deno compile` and
 * `deno repl`. denort, the runtime `deno compile` appends a plugin to, has no
 * subcommands; a binary built on the CLI ignores the plugin and starts the REPL.
 */
export const DENO_CLI_MARKERS: readonly string[] = [
  "Compile the script into a self contained executable",
  "Start an interactive Read-Eval-Print Loop (REPL) for Deno",
];

/** Whether the file at `path` is the full `deno` CLI (it holds a {@linkcode DENO_CLI_MARKERS} text). */
export async function isDenoCli(path: string): Promise<boolean> {
  const markers = DENO_CLI_MARKERS.map((m) => Buffer.from(m));
  const overlap = Math.max(...markers.map((m) => m.length)) - 1;
  using file = await Deno.open(path);
  const chunk = new Uint8Array(1 << 20);
  let tail = Buffer.alloc(0);
  for (;;) {
    const n = await file.read(chunk);
    if (n === null) return false;
    // Keep the end of the previous chunk, so a marker cut in two is still found.
    const buf = Buffer.concat([tail, chunk.subarray(0, n)]);
    if (markers.some((m) => buf.indexOf(m) >= 0)) return true;
    tail = buf.subarray(Math.max(0, buf.length - overlap));
  }
}

const OS_LABEL: Record<TargetOs, string> = {
  linux: "Linux (ELF)",
  darwin: "macOS (Mach-O)",
  windows: "Windows (PE)",
};

/**
 * What `deno compile` printed when getting the base runtime failed (the
 * download from dl.deno.land, usually), as `{ url, cause }`; `undefined` for
 * other failures.
 */
export function runtimeFailure(output: string): { url?: string; cause: string } | undefined {
  if (!output.includes("Setting up base binary")) return undefined;
  const req = output.match(/error sending request for url \((\S+)\): (.+)/);
  if (req) return { url: req[1], cause: req[2].trim() };
  const lines = output.split("\n").map((l) => l.trim()).filter((l) => /^\d+: /.test(l));
  return { cause: lines.slice(1).map((l) => l.replace(/^\d+: /, "")).join(": ") || "unknown" };
}

/** Where `deno compile` downloads a target's runtime from. */
export function denortUrl(target: Target, denoVersion: string = Deno.version.deno): string {
  return `https://dl.deno.land/release/v${denoVersion}/denort-${target.triple}.zip`;
}

/** Where `deno compile` caches a downloaded runtime: `<DENO_DIR>/dl/release/v<ver>/denort-<triple>.zip`. */
export function cachedRuntimePath(denoDir: string, denoVersion: string, target: Target): string {
  return join(denoDir, "dl", "release", `v${denoVersion}`, `denort-${target.triple}.zip`);
}

// ---------------------------------------------------------------------------------------------
// CLI

/** The help text. */
export const HELP: string = `Usage: compile [options]

Builds a Waypoint plugin with \`deno compile\` for every target Deno ${Deno.version.deno} supports,
with its permissions baked in and prompts off (a prompt would read Waypoint's stdin):

  <out>/<os>_<arch>/waypoint-plugin-<name>[.exe]          one binary per target
  <out>/waypoint-plugin-<name>_<version>_<os>_<arch>.zip  that binary, zipped
  <out>/SHA256SUMS                                        of the files above (sha256sum -c)

Windows targets also get waypoint-plugin-<name> without .exe (Waypoint 0.11 looks for that
name; Go then runs the .exe). Only the entry's module graph is embedded.

Options:
  --name <name>     plugin name, as in \`use "<name>"\` (default: deno.json "name" without
                    its @scope/ and waypoint-plugin- prefix, else the folder's name)
  --entry <file>    the plugin's main module (default: main.ts)
  --out <dir>       output folder (default: bin)
  --version <v>     version in the zip names (default: deno.json "version")
  --target <list>   Go names or Rust triples, comma-separated or repeated (default: all):
${TARGETS.map((t) => `                      ${t.goName.padEnd(15)}${t.triple}`).join("\n")}
  --allow <perms>   permissions to bake in, replacing the defaults; repeatable. A list of
                    names (env,read,write,net,run,sys,ffi,import,all) or one scoped
                    permission such as net=127.0.0.1,localhost
                    (default: deno.json {"waypoint": {"permissions": [...]}} in the same
                    syntax, else ${DEFAULT_PERMISSIONS.join(",")})
  --dry-run         print the deno compile invocations, one per line, and exit
  -h, --help        show this help

The runtime (denort): deno compile downloads it from dl.deno.land once per target and caches
it under $DENO_DIR/dl. Offline, name one you have:
  DENORT_BIN=<path>               for every target (deno compile's own variable)
  DENORT_BIN_<OS>_<ARCH>=<path>   for one target (e.g. DENORT_BIN_DARWIN_ARM64); wins
It must be denort ${Deno.version.deno} built for the target's OS and CPU.

Run it in the plugin project's folder (deno.json, entry and output are relative to it).
Exit status: 0 done, 1 a build failed, 2 usage error.
`;

function fmtBytes(n: number): string {
  const sign = n < 0 ? "-" : "";
  const a = Math.abs(n);
  if (a < 1024) return `${sign}${a} B`;
  if (a < 1024 * 1024) return `${sign}${(a / 1024).toFixed(1)} KiB`;
  return `${sign}${(a / 1024 / 1024).toFixed(2)} MiB`;
}

class BuildError extends Error {}

interface RunOptions {
  readonly name: string;
  readonly version: string;
  readonly out: string;
  readonly invocations: Invocation[];
  readonly targets: Target[];
}

function parse(args: string[]) {
  try {
    return parseArgs({
      args,
      options: {
        name: { type: "string" },
        entry: { type: "string", default: "main.ts" },
        out: { type: "string", default: "bin" },
        version: { type: "string" },
        target: { type: "string", multiple: true, default: [] },
        allow: { type: "string", multiple: true, default: [] },
        "dry-run": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      allowPositionals: false,
    }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

async function prepare(args: string[]): Promise<RunOptions & { dryRun: boolean } | "help"> {
  const v = parse(args);
  if (v.help) return "help";
  const cwd = Deno.cwd();
  const config = await readProjectConfig(cwd);
  const name = v.name !== undefined ? checkPluginName(v.name, "--name") : checkPluginName(
    defaultPluginName(config.name, cwd),
    config.name ? "deno.json name" : "folder name",
  );
  const version = v.version ?? config.version;
  if (version === undefined) {
    throw new UsageError(
      `no version for the zip names: ${config.path ?? "deno.json"} has no "version"; ` +
        `pass --version <version>`,
    );
  }
  if (!VERSION_RE.test(version)) {
    throw new UsageError(
      `--version "${version}" cannot be part of a file name: use letters, digits, ".", "+", "_" and "-"`,
    );
  }
  const entryInfo = await Deno.stat(v.entry).catch(() => undefined);
  if (!entryInfo?.isFile) {
    throw new UsageError(
      `--entry "${v.entry}" was not found in ${cwd}: pass the plugin's main module, e.g. --entry main.ts`,
    );
  }
  if (v.out === "") throw new UsageError(`--out "" is empty: pass a folder such as bin`);
  const targets = parseTargets(v.target);
  const permissions = resolvePermissions(v.allow, config);
  const invocations = compileInvocations({
    name,
    entry: v.entry,
    out: v.out,
    targets,
    permissions,
    config: config.path ? "deno.json" : undefined,
  });
  return { name, version, out: v.out, invocations, targets, dryRun: v["dry-run"] };
}

async function denoDir(): Promise<string | undefined> {
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json"],
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
    return out.success ? JSON.parse(new TextDecoder().decode(out.stdout)).denoDir : undefined;
  } catch {
    return undefined;
  }
}

async function readHead(path: string, n: number): Promise<Uint8Array> {
  using f = await Deno.open(path);
  const buf = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const r = await f.read(buf.subarray(got));
    if (r === null) break;
    got += r;
  }
  return buf.subarray(0, got);
}

interface Runtime {
  /** `DENORT_BIN` to set for this target's run, if any. */
  readonly env?: string;
  /** Size of the base runtime, when known. */
  readonly size?: number;
  /** Where the base came from, for the report. */
  readonly from?: string;
}

/** Resolves and checks each target's runtime before compiling anything. */
async function runtimes(targets: Target[]): Promise<Map<Target, Runtime>> {
  const map = new Map<Target, Runtime>();
  const problems: string[] = [];
  const warnings: string[] = [];
  let dir: string | undefined | null = null;
  for (const t of targets) {
    const named = runtimeFromEnv(t, (k) => Deno.env.get(k));
    if (named) {
      const info = await Deno.stat(named.path).catch(() => undefined);
      if (!info?.isFile) {
        problems.push(
          `${named.variable}="${named.path}" is not a file: point it at denort ` +
            `${Deno.version.deno} for ${t.triple}`,
        );
        continue;
      }
      if (await isDenoCli(named.path)) {
        problems.push(
          `${named.variable}="${named.path}" is the deno CLI, not the runtime denort: a binary ` +
            `built on it starts deno's REPL instead of the plugin. Point ${named.variable} at ` +
            `denort ${Deno.version.deno} for ${t.triple} (${denortUrl(t)}), or unset it to let ` +
            `deno compile download it`,
        );
        continue;
      }
      const kind = executableKind(await readHead(named.path, 4096));
      if (kind && kind.os !== t.os) {
        problems.push(
          `${named.variable}="${named.path}" is a ${OS_LABEL[kind.os]} runtime, but ${t.goName} ` +
            `needs a ${OS_LABEL[t.os]} one: set ${runtimeVariable(t)} to denort ` +
            `${Deno.version.deno} for ${t.triple}, or leave the target out with --target`,
        );
        continue;
      }
      if (kind && kind.arch !== t.arch) {
        warnings.push(
          `warning: ${named.variable}="${named.path}" is a ${kind.os}_${kind.arch} runtime; ` +
            `the ${t.goName} binary will not run on ${t.goName} (set ${runtimeVariable(t)})`,
        );
      }
      map.set(t, { env: named.path, size: info.size, from: named.variable });
      continue;
    }
    if (dir === null) dir = await denoDir();
    if (dir) {
      const cached = cachedRuntimePath(dir, Deno.version.deno, t);
      try {
        const entry = zipEntries(await Deno.readFile(cached)).find((e) =>
          /^denort(\.exe)?$/.test(e.name)
        );
        if (entry) {
          map.set(t, { size: entry.size, from: "the cached denort" });
          continue;
        }
      } catch {
        // not cached yet: deno compile downloads it
      }
    }
    map.set(t, {});
  }
  if (problems.length > 0) throw new BuildError(problems.join("\nerror: "));
  for (const w of warnings) console.error(w);
  return map;
}

/** Makes `dir` with its parents; returns the folders that did not exist, deepest first. */
async function makeDirs(dir: string): Promise<string[]> {
  const made: string[] = [];
  for (let d = dir; !(await Deno.lstat(d).then(() => true, () => false)); d = dirname(d)) {
    made.push(d);
    if (dirname(d) === d) break;
  }
  await Deno.mkdir(dir, { recursive: true });
  return made;
}

/**
 * After a failed compile: removes the target's folder this run made (whatever
 * deno compile left in it), then each parent this run made if it is empty.
 */
async function removeMade(made: string[]): Promise<void> {
  const [target, ...parents] = made;
  if (target) await Deno.remove(target, { recursive: true }).catch(() => {});
  for (const d of parents) {
    // Not recursive: a parent holding earlier targets' output stays.
    if (!(await Deno.remove(d).then(() => true, () => false))) return;
  }
}

async function run(opts: RunOptions): Promise<void> {
  const base = await runtimes(opts.targets);
  const sums: { path: string; sha256: string }[] = [];
  const report: string[] = [];
  const n = opts.invocations.length;
  for (const [i, inv] of opts.invocations.entries()) {
    const t = findTarget(inv.goName)!;
    const rt = base.get(t)!;
    const started = performance.now();
    console.error(`[${i + 1}/${n}] ${inv.goName} (${inv.target}): deno compile …`);
    const made = await makeDirs(dirname(inv.output));
    const env: Record<string, string> = { NO_COLOR: "1" };
    if (rt.env) env.DENORT_BIN = rt.env;
    const out = await new Deno.Command(Deno.execPath(), {
      args: inv.args,
      env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    if (!out.success) {
      await removeMade(made);
      const dl = runtimeFailure(text);
      if (dl) {
        throw new BuildError(
          `deno compile could not get the Deno runtime (denort) for ${inv.target}` +
            `${dl.url ? ` from ${dl.url}` : ""}: ${dl.cause}\n` +
            `  Offline or behind a firewall? Set DENORT_BIN=<path> (every target) or ` +
            `${runtimeVariable(t)}=<path> (this one) to denort ${Deno.version.deno} for ` +
            `${inv.target}, or build fewer targets with --target`,
        );
      }
      console.error(text.trimEnd());
      throw new BuildError(
        `deno compile failed for ${inv.goName} (exit ${out.code}); its output is above. ` +
          `Command: deno ${inv.args.map(shellQuote).join(" ")}`,
      );
    }
    const bytes = await Deno.readFile(inv.output);
    const stat = await Deno.stat(inv.output);
    const files = [inv.output];
    if (inv.alias) {
      await Deno.remove(inv.alias).catch(() => {});
      await Deno.writeFile(inv.alias, bytes, { mode: 0o755 });
      files.push(inv.alias);
    }
    const digest = await sha256Hex(bytes);
    for (const f of files) sums.push({ path: relative(opts.out, f), sha256: digest });
    const added = rt.size === undefined
      ? "base runtime size unknown"
      : `+${fmtBytes(bytes.length - rt.size)} over the ${
        fmtBytes(rt.size)
      } runtime from ${rt.from}`;
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.error(`      ${inv.output}  ${fmtBytes(bytes.length)} (${added})  ${seconds} s`);

    const archive = zip(files.map((f) => ({
      name: basename(f),
      data: bytes,
      mode: 0o755,
      mtime: stat.mtime ?? undefined,
    })));
    const zipPath = join(opts.out, zipName(opts.name, opts.version, t));
    await Deno.writeFile(zipPath, archive);
    sums.push({ path: relative(opts.out, zipPath), sha256: await sha256Hex(archive) });
    console.error(`      ${zipPath}  ${fmtBytes(archive.length)}`);
    report.push(
      `${inv.goName.padEnd(14)} ${inv.output}  ${bytes.length} bytes` +
        (rt.size === undefined ? "" : `  (+${bytes.length - rt.size} over the runtime)`),
    );
  }
  const sumsPath = join(opts.out, "SHA256SUMS");
  await Deno.writeTextFile(sumsPath, sha256sums(sums));
  console.error(`wrote ${sumsPath} (${sums.length} files)`);
  console.log(report.join("\n"));
}

/** Runs the tool with command-line arguments; returns the exit status. */
export async function main(args: string[]): Promise<number> {
  let opts;
  try {
    opts = await prepare(args);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(HELP);
    console.error(`error: ${err.message}`);
    return 2;
  }
  if (opts === "help") {
    console.log(HELP);
    return 0;
  }
  if (opts.dryRun) {
    for (const inv of opts.invocations) {
      console.log(["deno", ...inv.args].map(shellQuote).join(" "));
    }
    return 0;
  }
  try {
    await run(opts);
  } catch (err) {
    if (!(err instanceof BuildError)) throw err;
    console.error(`error: ${err.message}`);
    return 1;
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
