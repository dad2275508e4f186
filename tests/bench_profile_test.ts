/**
 * scripts/bench_profile.ts's analysis: a bundle's lines map to the module
 * groups they come from, also after the eager pass has moved the module
 * scope's functions to the start, and a profile's samples add up per group
 * and per function.
 */
import { assertEquals, assertStringIncludes } from "./support/assert.ts";
import {
  bundleMap,
  compareTable,
  type CpuProfile,
  moduleGroup,
  summarize,
} from "../scripts/bench/profile.ts";
import { eagerWrappers } from "../src/tools/compile/eager.ts";

const RAW = [
  "var __commonJS = (cb, mod) => function __require() {",
  "  return mod;",
  "};",
  "",
  "// ../../cache/npm/registry.npmjs.org/@grpc/grpc-js/1.14.7/build/src/server.js",
  "var require_server = __commonJS({",
  '  "server.js"(exports) {',
  "    exports.x = 1;",
  "  }",
  "});",
  "",
  "// src/server/core.ts",
  "function createPluginServer(a) {",
  "  return a + 1;",
  "}",
  "",
  "// ../../cache/npm/registry.npmjs.org/protobufjs/8.8.1/src/writer.js",
  "function Writer() {",
  "  return 2;",
  "}",
  "",
  "// examples/gobuilder/main.ts",
  "createPluginServer(Writer());",
  "",
].join("\n");

Deno.test("module paths fall in their groups", () => {
  assertEquals(moduleGroup("../../x/npm/registry.npmjs.org/@grpc/grpc-js/1.14.7/a.js"), "grpc-js");
  assertEquals(moduleGroup("node_modules/long/umd/index.js"), "protobufjs and long");
  assertEquals(
    moduleGroup("../../x/npm/registry.npmjs.org/@js-sdsl/ordered-map/a.js"),
    "other npm code",
  );
  assertEquals(moduleGroup("src/server/core.ts"), "ours (toolkit and plugin)");
  assertEquals(moduleGroup("examples/gobuilder/builder.ts"), "ours (toolkit and plugin)");
});

Deno.test("a line of the eager bundle maps to the module its function was declared in", () => {
  const final = eagerWrappers(RAW).source;
  const lines = final.split("\n");
  const map = bundleMap(RAW, final);
  const at = (text: string) => {
    const i = lines.findIndex((l) => l.includes(text));
    if (i < 0) throw new Error(`no line with ${text} in:\n${final}`);
    return map.groupOf(i);
  };
  // Both functions moved to the start, yet each keeps its module's group.
  assertEquals(lines[0].startsWith("var createPluginServer = (function"), true, final);
  assertEquals(at("return a + 1;"), "ours (toolkit and plugin)");
  assertEquals(at("return 2;"), "protobufjs and long");
  assertEquals(at("return mod;"), "esbuild's runtime helpers");
  assertEquals(at("exports.x = 1;"), "grpc-js");
  assertEquals(at("createPluginServer(Writer());"), "ours (toolkit and plugin)");
});

/** A profile of two functions and native frames: `root` → `fn` (bundle line `line`), `gc`. */
function profile(url: string, line: number, fnUs: number, gcUs: number): CpuProfile {
  return {
    nodes: [
      {
        id: 1,
        callFrame: { functionName: "(root)", url: "", lineNumber: -1 },
        children: [2, 3, 4],
      },
      { id: 2, callFrame: { functionName: "fn", url, lineNumber: line } },
      { id: 3, callFrame: { functionName: "(garbage collector)", url: "", lineNumber: -1 } },
      {
        id: 4,
        callFrame: { functionName: "nextTick", url: "ext:deno_node/_next_tick.ts", lineNumber: 0 },
      },
    ],
    // Each sample lasts until the next one: fn fnUs, gc gcUs, nextTick 100 µs, then the end.
    samples: [2, 3, 4, 1],
    timeDeltas: [0, fnUs, gcUs, 100],
  };
}

Deno.test("samples add up per group and function, per launch", () => {
  const url = "file:///b/main.js";
  const final = eagerWrappers(RAW).source;
  const map = bundleMap(RAW, final);
  const line = final.split("\n").findIndex((l) => l.includes("return a + 1;"));
  const s = summarize([profile(url, line, 3000, 1000), profile(url, line, 1000, 1000)], url, map);
  assertEquals(s.launches, 2);
  assertEquals(s.groups.get("ours (toolkit and plugin)"), 2);
  assertEquals(s.groups.get("V8: (garbage collector)"), 1);
  assertEquals(s.groups.get("Deno's JavaScript (runtime, node layer)"), 0.1);
  assertEquals(s.functions.get(`ours (toolkit and plugin) | fn (bundle:${line + 1})`), 2);

  const base = summarize([profile(url, line, 1000, 1000)], url, map);
  const table = compareTable(base, "bare", s, "ours", 5);
  assertStringIncludes(table, "| ours (toolkit and plugin) | 1.00 | 2.00 | +1.00 |");
  assertStringIncludes(table, "| **busy (all but idle)** | **2.10** | **3.10** | **+1.00** |");
  assertStringIncludes(table, `| ours (toolkit and plugin) · fn (bundle:${line + 1}) | +1.00 |`);
});

Deno.test("the script's own top level is its own group", () => {
  const url = "file:///b/main.js";
  const map = bundleMap(RAW, eagerWrappers(RAW).source);
  const p = profile(url, 0, 500, 0);
  p.nodes[1].callFrame.functionName = "";
  const s = summarize([p], url, map);
  assertEquals(s.groups.get("the bundle's top level (ESM module bodies)"), 0.5);
});
