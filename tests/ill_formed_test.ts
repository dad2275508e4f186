/**
 * No hang, ever, and only well-formed strings: a fuzz plugin throws, prints,
 * logs and returns strings with lone surrogates, and the real Go host
 * (`wphost builds`, one debug-mode plugin process, one `waypoint build` per
 * case) must get an answer to every Build RPC, with every string valid
 * UTF-8 and equal to what was sent with lone surrogates as U+FFFD.
 *
 * FUZZ_CASES=<n> runs more cases than the default.
 */
import { assert, assertEquals } from "./support/assert.ts";
import { join } from "./support/path.ts";
import { REPO, runHost, tempDir } from "./support/host.ts";
import { startDebugPlugin } from "./support/debug_plugin.ts";
import { ConfigError } from "../mod.ts";
import {
  type FuzzCase,
  fuzzCase,
  ODD_THROWS,
  type UiCall,
  wellFormed as wf,
} from "./fixtures/ill_formed.ts";

const CASES = Number(Deno.env.get("FUZZ_CASES") ?? 360);

/** Go's names of the codes the fuzz plugin throws with; anything else is sent as UNKNOWN. */
const GO_CODES: Record<number, string> = {
  1: "Canceled",
  2: "Unknown",
  3: "InvalidArgument",
  5: "NotFound",
  9: "FailedPrecondition",
  13: "Internal",
  14: "Unavailable",
  16: "Unauthenticated",
};

function status(code: string, message: string): string {
  return `rpc error: code = ${code} desc = ${wf(message)}`;
}

/** The error the host reports for a case that fails its build, or undefined for one that succeeds. */
function expectedError(c: FuzzCase): string | undefined {
  switch (c.kind) {
    case "error":
    case "ui-throw":
      return status("Unknown", c.text);
    case "plugin-error":
      return status(GO_CODES[c.code] ?? "Unknown", c.text);
    case "config-error": {
      const { field, value, rule, detail } = c.config;
      return status("InvalidArgument", new ConfigError(field, value, rule, detail).message);
    }
    case "odd-throw": {
      const shown: Record<(typeof ODD_THROWS)[number], string> = {
        "a string": c.text,
        "an object with a message": "[object Object]",
        "an object without a prototype": "the plugin threw a value that cannot be turned into text",
        "a proxy that throws": "the plugin threw a value that cannot be turned into text",
        "a symbol": `Symbol(${c.text})`,
        "null": "null",
        "undefined": "undefined",
        "an object whose toString returns the text": c.text,
        "a PluginError with code OK": c.text,
        "a PluginError with code 99": c.text,
      };
      return status("Unknown", shown[ODD_THROWS[c.odd]]);
    }
    default:
      return undefined;
  }
}

function uiTexts(calls: UiCall[]): string[] {
  return calls.flatMap((c) => {
    switch (c.call) {
      case "step":
        return [c.text, c.update, c.output];
      case "named-values":
        return [c.name, c.value];
      case "table":
        // The SDK's UI service drops every table row (it builds them and never adds them to the
        // table it prints): only the header can arrive.
        return [c.header];
      default:
        return [c.text];
    }
  }).map(wf);
}

function one<T>(v: T | T[]): T[] {
  return Array.isArray(v) ? v : [v];
}

/** Every string in a parsed JSON value, keys included. */
function strings(v: unknown): string[] {
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (v && typeof v === "object") {
    return Object.entries(v).flatMap(([k, x]) => [k, ...strings(x)]);
  }
  return [];
}

Deno.test(`fuzz: ${CASES} builds with ill-formed strings through the Go host, 0 hangs, every string well-formed`, async () => {
  const dir = await tempDir("utf8-");
  await Deno.writeTextFile(
    join(dir, "waypoint.hcl"),
    'project = "fuzz"\n\napp "fuzz" {\n  build {\n    use "fuzz" {\n      case = iteration\n    }\n  }\n}\n',
  );
  const plugin = await startDebugPlugin(
    dir,
    "fuzz",
    join(REPO, "tests", "fixtures", "fuzz_plugin.ts"),
  );
  let report;
  try {
    const run = await runHost(
      [
        "builds",
        "-reattach",
        "fuzz",
        "-config",
        join(dir, "waypoint.hcl"),
        "-n",
        String(CASES),
        "-timeout",
        "15s",
        "-max-hangs",
        "3",
        "-details",
      ],
      { cwd: dir, env: { WP_REATTACH_PLUGINS: plugin.reattach } },
    );
    report = run.report;
  } finally {
    assertEquals(await plugin.stop(), 0, "the plugin did not survive the fuzz");
  }
  const problems: string[] = [];
  const counts: Record<string, number> = {};
  for (const b of report.builds) {
    const c = fuzzCase(b.iteration);
    counts[c.kind] = (counts[c.kind] ?? 0) + 1;
    const bad = (what: string) => problems.push(`case ${c.index} (${c.kind}): ${what}`);
    if (b.hung) bad(`hung after ${b.ms} ms: ${b.error}`);
    if (!b.errorValidUtf8 || !b.uiValidUtf8 || !b.resultValidUtf8) {
      bad(
        `invalid UTF-8 (error ${b.errorValidUtf8}, UI ${b.uiValidUtf8}, result ${b.resultValidUtf8})`,
      );
    }
    const error = expectedError(c);
    if (c.kind === "configure") {
      const want = `desc = Cannot configure builder "fuzz": ${wf(c.text)}`;
      if (b.stage !== "configure" || !b.error.includes(want)) {
        bad(`error ${JSON.stringify(b.error)}`);
      }
      continue;
    }
    if (error !== undefined) {
      if (b.ok || b.error !== error) {
        bad(`error ${JSON.stringify(b.error)}, not ${JSON.stringify(error)}`);
      }
    } else if (!b.ok) {
      bad(`failed: ${b.error}`);
      continue;
    }
    if (c.kind === "ui-return" || c.kind === "ui-throw") {
      const got = b.ui.join("\u0001");
      for (const t of uiTexts(c.ui)) {
        if (!got.includes(t)) bad(`UI is missing ${JSON.stringify(t)}`);
      }
    }
    if (error === undefined) {
      const r = c.result;
      const fields = b.result.fields;
      if (fields["1"] !== wf(r.text)) bad(`result field 1 is ${JSON.stringify(fields["1"])}`);
      assertEquals(one(fields["2"]), r.list.map(wf), `case ${c.index}: result field 2`);
      const json = JSON.parse(b.result.json);
      assertEquals(json, {
        text: wf(r.text),
        list: r.list.map(wf),
        labels: Object.fromEntries(Object.entries(r.labels).map(([k, v]) => [wf(k), wf(v)])),
        inner: { note: wf(r.note) },
      }, `case ${c.index}: result_json`);
      if (!strings(json).every((s) => s.isWellFormed())) bad("result_json has lone surrogates");
      if (!strings(b.result.templateData).every((s) => s.isWellFormed())) {
        bad("template data has lone surrogates");
      }
    }
  }
  // The plugin's own log lines (in debug mode they go to its stderr): JSON, well-formed.
  const lines = (await plugin.stderr).split("\n").filter((l) => l.trim());
  let logged = 0;
  for (const line of lines) {
    const entry = JSON.parse(line);
    if (!strings(entry).every((s) => s.isWellFormed())) {
      problems.push(`log line with lone surrogates: ${line}`);
    }
    if (typeof entry.fuzz_case === "number") {
      const c = fuzzCase(entry.fuzz_case);
      assertEquals(
        [entry["@message"], entry.field, entry.nested],
        [wf(c.text), wf(c.text), { list: [wf(c.text)] }],
        `log line of case ${c.index}`,
      );
      logged++;
    }
  }
  console.log(
    `fuzz: ${report.builds.length} builds, ${report.completed} answered, ${report.hung} hung, ` +
      `${report.invalidUtf8} with invalid UTF-8, ${logged} fuzz log lines; by kind ${
        JSON.stringify(counts)
      }`,
  );
  assertEquals(problems.slice(0, 10), [], `${problems.length} problems`);
  assertEquals([report.hung, report.invalidUtf8, report.completed], [0, 0, CASES], report.error);
  assert(logged === counts.log, `logged ${logged} of ${counts.log} log cases`);
});
