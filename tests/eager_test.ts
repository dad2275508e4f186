/**
 * The bundle step's eager wrappers (src/tools/compile/eager.ts): every
 * esbuild wrapper of a real bundle is rewritten, a wrapper's end is found
 * past strings, template literals, comments and regular expressions that
 * hold braces or esbuild's closing layout, anything in doubt is left alone,
 * and the rewritten modules export what the originals did; the module
 * scope's function declarations become eager expressions that hold the same
 * functions before any code runs.
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
  // The module scope's function declarations (the toolkit's own, most of them) all move.
  // The module scope's function declarations (the toolkit's own, most of them) all move.
  const TOP = /^(async )?function\*? [\w$]+\(/gm;
  const top = source.match(TOP)?.length ?? 0;
  assert(top > 150, `only ${top} function declarations`);
  assertEquals(r.functions, top);
  assertEquals(r.source.match(TOP), null);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("function declarations become eager expressions that are there before any code runs", async () => {
  const source = [
    "var early = twice(2) + later.name;",
    "function twice(n) {",
    "  return `${n}\\n}\\nfunction fake() {\\n` ? n * 2 : 0;",
    "}",
    "async function later(x = { a: 1 }) {",
    "  return x.a + (await 1);",
    "}",
    "function* gen() {",
    "  yield /}/.source;",
    "}",
    "const text = `",
    "function inTemplate() {",
    "}",
    "`;",
    "/*",
    "function inComment() {",
    "}",
    "*/",
    "function odd() { return 1; }",
    "function nested() {",
    "  function inner() {",
    "    return 3;",
    "  }",
    "  return inner();",
    "}",
    "var module = { exports: {} };",
    "var strict = ((exports) => {",
    "  var __commonJS = (cb, mod) => () => (mod || cb[Object.keys(cb)[0]]((mod = { exports: {} }).exports, mod), mod.exports);",
    "  var require_m = __commonJS({",
    '    "m.js"(exports, module) {',
    '      "use strict";',
    "      module.exports = [helper()];",
    "      function helper() {",
    "        return helper.name;",
    "      }",
    "    }",
    "  });",
    "  return require_m();",
    "})();",
    "return [early, twice(4), await later(), [...gen()], text, odd(), nested(), typeof inTemplate, twice.name, strict];",
  ].join("\n");
  const r = eagerWrappers(source);
  // twice, later, gen and nested move; inner is not at the top; odd is on one line; the other two are text.
  assertEquals(r.functions, 4);
  assert(r.source.startsWith("var twice = (function(n) {\n"), r.source);
  assert(r.source.includes("var later = (async function(x = { a: 1 }) {\n"), r.source);
  assert(r.source.includes("var gen = (function*() {\n"), r.source);
  for (
    const kept of [
      "\nfunction inTemplate() {\n",
      "\nfunction inComment() {\n",
      "\nfunction odd() { return 1; }\n",
      "  function inner() {\n",
    ]
  ) {
    assert(r.source.includes(kept), r.source);
  }
  const AsyncFunction = (async () => {}).constructor as FunctionConstructor;
  const results = await Promise.all([source, r.source].map((code) => new AsyncFunction(code)()));
  assertEquals(results[1], results[0]);
  assertEquals(results[0], [
    "4later",
    8,
    2,
    ["}"],
    "\nfunction inTemplate() {\n}\n",
    1,
    3,
    "undefined",
    "twice",
    ["helper"],
  ]);
});

Deno.test("a hashbang line stays first", () => {
  const source = "#!/usr/bin/env -S deno run\nconsole.log(f());\nfunction f() {\n  return 1;\n}\n";
  const r = eagerWrappers(source);
  assertEquals(r.functions, 1);
  assertEquals(
    r.source,
    "#!/usr/bin/env -S deno run\nvar f = (function() {\n  return 1;\n});\nconsole.log(f());\n",
  );
});
