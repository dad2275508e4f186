/**
 * The import rules of ARCHITECTURE.md, checked on the source: no cycle
 * between the folders of `src/`, public contracts never import the glue,
 * the test host and the tools never import each other.
 */
import { assertEquals } from "./support/assert.ts";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const SRC = fileURLToPath(new URL("../src", import.meta.url));

/** `src/<folder>/…` → folder; a file directly in `src/` → `src`. */
function folderOf(path: string): string {
  const parts = relative(SRC, path).split("/");
  return parts.length === 1 ? "src" : parts[0];
}

async function sourceFiles(dir: string, out: string[] = []): Promise<string[]> {
  for await (const e of Deno.readDir(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory) await sourceFiles(p, out);
    else if (e.name.endsWith(".ts")) out.push(p);
  }
  return out;
}

/** Every relative import (static, dynamic, type-only, re-export) of every file, as folder edges. */
async function folderImports(): Promise<Map<string, Set<string>>> {
  const edges = new Map<string, Set<string>>();
  for (const file of await sourceFiles(SRC)) {
    const text = await Deno.readTextFile(file);
    const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)].map((m) =>
      m[1]
    );
    for (const spec of specs) {
      const target = join(file, "..", spec);
      if (!target.startsWith(SRC)) continue;
      const [from, to] = [folderOf(file), folderOf(target)];
      if (from === to) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(to);
    }
  }
  return edges;
}

function cycles(edges: Map<string, Set<string>>): string[] {
  const found: string[] = [];
  const visit = (node: string, path: string[]) => {
    for (const next of edges.get(node) ?? []) {
      const i = path.indexOf(next);
      if (i >= 0) found.push([...path.slice(i), next].join(" → "));
      else visit(next, [...path, next]);
    }
  };
  for (const node of edges.keys()) visit(node, [node]);
  return [...new Set(found)].sort();
}

Deno.test("no import cycle between the folders of src/", async () => {
  assertEquals(cycles(await folderImports()), []);
});

Deno.test("public contracts and the glue import in one direction; testing and tools not at all", async () => {
  const edges = await folderImports();
  const imports = (from: string, to: string) => edges.get(from)?.has(to) ?? false;
  const forbidden: [string, string][] = [
    ["components", "internal"],
    ["config", "internal"],
    ["terminal", "internal"],
    ["proto", "internal"],
    ["internal", "server"],
    ["internal", "client"],
    ["internal", "testing"],
    ["internal", "tools"],
    ["testing", "tools"],
    ["tools", "testing"],
  ];
  assertEquals(forbidden.filter(([from, to]) => imports(from, to)).map((e) => e.join(" → ")), []);
});
