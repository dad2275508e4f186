/**
 * Reads what `deno compile` baked into a binary: the metadata JSON it
 * appends next to the embedded modules (`{"argv":…, "permissions":…,
 * "v8_flags":…, "entrypoint_key":…}`), found by its first key and cut at
 * its closing brace. The binary cannot run here (no denort), so this is how
 * a test sees the flags a compiled plugin starts with.
 */

/** The parts of deno compile's metadata the tests read. */
export interface CompiledMetadata {
  permissions: Record<string, unknown> & { prompt: boolean };
  v8_flags: string[];
  entrypoint_key: string;
  [key: string]: unknown;
}

/** The metadata of the binary at `path`; throws when there is none. */
export async function compiledMetadata(path: string): Promise<CompiledMetadata> {
  const text = new TextDecoder("latin1").decode(await Deno.readFile(path));
  const start = text.indexOf('{"argv":');
  if (start < 0) throw new Error(`${path}: no deno compile metadata found`);
  let depth = 0, inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return JSON.parse(text.slice(start, i + 1));
  }
  throw new Error(`${path}: the deno compile metadata is cut short`);
}
