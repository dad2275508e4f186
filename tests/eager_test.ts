/**
 * The bundle step's eager wrappers (src/tools/compile/eager.ts): every
 * esbuild wrapper of a real bundle is rewritten, a wrapper's end is found
 * past strings, template literals, comments and regular expressions that
 * hold braces or esbuild's closing layout, anything in doubt is left alone,
 * and the rewritten modules export what the originals did.
 */
import { assert, assertEquals } from "./support/assert.ts";
import { eagerWrappers } from "../src/tools/compile/eager.ts";

/** Evaluates esbuild-style wrapper code with esbuild's `__commonJS`; returns each require's exports. */
function run(code: string, requires: string[]): unknown[] {
  const prelude = `var __getOwnPropNames = Object.getOwnPropertyNames;
var __commonJS = (cb, mod) => function __require() {
  return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
};
`;
  return new Function(`${prelude}${code}\nreturn [${requires.map((r) => `${r}()`).join(", ")}];`)();
}

function wrapper(name: string, body: string): string {
  return `var ${name} = __commonJS({\n  "${name}.js"(exports, module) {\n${body}\n  }\n});\n`;
}

Deno.test("a wrapper's end is found past braces and esbuild's own closing inside strings, templates, comments and regexps", () => {
  const tricky = [
    "    module.exports = { s: \"}\", t: '{' };",
    "    const tpl = `a\n  }\n});\n${{ x: 1 }.x} ${`nested ${'}'}`}`;",
    "    /* a comment }\n  }\n});\n */",
    "    // a line comment }",
    "    const re = /[{}]\\}\\//g, n = 4 / 2 / 1;",
    "    exports.parts = [tpl, re.source, n];",
  ].join("\n");
  const source = wrapper("require_a", tricky) + wrapper("require_b", '    exports.b = "b";');
  const r = eagerWrappers(source);
  assertEquals([r.eager, r.kept], [2, 0]);
  assert(r.source.includes('"require_a.js": (function(exports, module) {'), r.source);
  assertEquals(run(r.source, ["require_a", "require_b"]), run(source, ["require_a", "require_b"]));
});

Deno.test("a wrapper whose end is not where esbuild puts it is left as it is", () => {
  // The body's closing brace is not followed by esbuild's `\n});` layout.
  const odd =
    'var require_c = __commonJS({\n  "c.js"(exports, module) {\n    exports.c = 1;\n  }, other: 1\n});\n';
  const r = eagerWrappers(odd);
  assertEquals([r.eager, r.kept, r.source], [0, 1, odd]);
  // An unterminated string: in doubt, kept.
  const broken = wrapper("require_d", '    exports.d = "no end;');
  assertEquals(eagerWrappers(broken).kept, 1);
});

Deno.test("every wrapper of the gobuilder bundle is rewritten", async () => {
  const dir = await Deno.makeTempDir({ prefix: "eager-" });
  const out = `${dir}/main.js`;
  const bundled = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--platform",
      "deno",
      "--packages",
      "bundle",
      "--output",
      out,
      "examples/gobuilder/main.ts",
    ],
  }).output();
  assert(bundled.success, new TextDecoder().decode(bundled.stderr));
  const source = await Deno.readTextFile(out);
  const wrappers = source.match(/= __(commonJS|esm)\(\{\n/g)?.length ?? 0;
  const r = eagerWrappers(source);
  assert(wrappers > 100, `only ${wrappers} wrappers`);
  assertEquals([r.eager, r.kept], [wrappers, 0]);
  assertEquals(
    r.source.match(/= __(commonJS|esm)\(\{\n {2}"[^"]+": \(function\(/g)?.length,
    wrappers,
  );
  await Deno.remove(dir, { recursive: true });
});
