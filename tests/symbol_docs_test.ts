/**
 * The symbol docs are the reference: every symbol each entry point exports
 * has a summary and at least one example, and every field and method of its
 * options and results a summary (`deno doc --lint` checks that a
 * doc is there, not that it shows how to use the symbol). The examples are
 * type-checked by `deno task check` and run by `deno task doctest`.
 */
import { assert, assertEquals } from "./support/assert.ts";
import { publicDocs } from "./support/public_docs.ts";
import { REPO } from "../scripts/lib/repo.ts";

interface JsDoc {
  doc?: string;
  tags?: { kind: string }[];
}
interface Location {
  filename: string;
  line: number;
}
interface DocSymbol {
  name: string;
  declarations: {
    kind: string;
    location?: Location;
    jsDoc?: JsDoc;
    def?: { target?: Location; properties?: Member[]; methods?: Member[] };
  }[];
}
/** A property or method of an interface or class. */
interface Member {
  name: string;
  jsDoc?: JsDoc;
  accessibility?: string;
}

/** What each entry point exports that lacks a summary or an example, as `entry: name (what)`. */
function undocumented(docs: { nodes: Record<string, { symbols?: DocSymbol[] }> }): string[] {
  // A symbol that a second entry point re-exports is a `reference` there, with the docs at its
  // target: the declaration another entry point documents.
  const at = (l: Location) => `${l.filename}:${l.line}`;
  const declared = new Map<string, JsDoc>();
  for (const file of Object.values(docs.nodes)) {
    for (const s of file.symbols ?? []) {
      for (const d of s.declarations) {
        if (d.kind !== "reference" && d.location && d.jsDoc) declared.set(at(d.location), d.jsDoc);
      }
    }
  }
  const jsDocOf = (d: DocSymbol["declarations"][number]) =>
    d.kind === "reference" && d.def?.target ? declared.get(at(d.def.target)) : d.jsDoc;
  const out: string[] = [];
  for (const [url, file] of Object.entries(docs.nodes)) {
    const entry = url.replace(`file://${REPO}/`, "");
    for (const s of file.symbols ?? []) {
      const docs = s.declarations.map(jsDocOf).filter((d) => d !== undefined);
      if (!docs.some((d) => (d.doc ?? "").trim() !== "")) out.push(`${entry}: ${s.name} (summary)`);
      if (!docs.some((d) => (d.tags ?? []).some((t) => t.kind === "example"))) {
        out.push(`${entry}: ${s.name} (example)`);
      }
      // Options and results are interfaces: each of their fields says what it is.
      for (const d of s.declarations) {
        for (const m of [...d.def?.properties ?? [], ...d.def?.methods ?? []]) {
          if (m.accessibility === "private" || m.name.startsWith("#")) continue;
          if (!(m.jsDoc?.doc ?? "").trim()) out.push(`${entry}: ${s.name}.${m.name} (summary)`);
        }
      }
    }
  }
  return out.sort();
}

Deno.test("undocumented names a symbol without a summary or an example, and passes one with both, also where another entry point re-exports it", () => {
  const docs = {
    nodes: {
      [`file://${REPO}/mod.ts`]: {
        symbols: [
          {
            name: "good",
            declarations: [{
              kind: "function",
              jsDoc: { doc: "Does.", tags: [{ kind: "example" }] },
            }],
          },
          { name: "bare", declarations: [{ kind: "interface" }] },
          {
            name: "Options",
            declarations: [{
              kind: "interface",
              jsDoc: { doc: "Options.", tags: [{ kind: "example" }] },
              def: {
                properties: [{ name: "timeoutMs", jsDoc: { doc: "How long." } }, { name: "bare" }],
                methods: [{ name: "secret", accessibility: "private" }],
              },
            }],
          },
          {
            name: "noExample",
            declarations: [{
              kind: "variable",
              location: { filename: "file:///x/b.ts", line: 3 },
              jsDoc: { doc: "A value." },
            }],
          },
          {
            name: "Target",
            declarations: [{
              kind: "class",
              location: { filename: "file:///x/a.ts", line: 7 },
              jsDoc: { doc: "A class.", tags: [{ kind: "example" }] },
            }],
          },
        ],
      },
      [`file://${REPO}/testing.ts`]: {
        symbols: [
          {
            name: "Target",
            declarations: [{
              kind: "reference",
              def: { target: { filename: "file:///x/a.ts", line: 7 } },
            }],
          },
          {
            name: "noExample",
            declarations: [{
              kind: "reference",
              def: { target: { filename: "file:///x/b.ts", line: 3 } },
            }],
          },
        ],
      },
    },
  };
  assertEquals(undocumented(docs), [
    "mod.ts: Options.bare (summary)",
    "mod.ts: bare (example)",
    "mod.ts: bare (summary)",
    "mod.ts: noExample (example)",
    "testing.ts: noExample (example)",
  ]);
});

Deno.test("every exported symbol has a summary and an example, and each of its fields a summary", async () => {
  const { entries, docs } = await publicDocs();
  const count = Object.values(docs.nodes as Record<string, { symbols?: unknown[] }>)
    .reduce((n, f) => n + (f.symbols?.length ?? 0), 0);
  assert(
    count > 150,
    `only ${count} symbols in ${entries.length} entry points: is the JSON read right?`,
  );
  assertEquals(undocumented(docs as Parameters<typeof undocumented>[0]), []);
});
