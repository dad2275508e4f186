/**
 * `console.log`'s formatting (Node's `util.format` rules) for the lines the
 * stdout guard and grpc-js's logger turn into log records, on
 * `Deno.inspect`. The plugin's start-up imports no `node:` module as ES
 * module: each one costs Deno 1–2 ms of start-up (`node:util` and
 * `node:process` measured ~5M and ~8M instructions each), although grpc-js
 * loads them through `require` for free.
 *
 * @module
 */

const INSPECT = { depth: 4, colors: false } as const;

function inspect(v: unknown): string {
  return typeof v === "string" ? v : Deno.inspect(v, INSPECT);
}

function directive(c: string, v: unknown): string {
  switch (c) {
    case "s":
      return typeof v === "string"
        ? v
        : typeof v === "bigint"
        ? `${v}n`
        : typeof v === "object" && v !== null
        ? Deno.inspect(v, { ...INSPECT, depth: 1 })
        : String(v);
    case "d":
    case "i": {
      if (typeof v === "bigint") return `${v}n`;
      if (typeof v === "object" && v !== null) return "NaN";
      const n = Number(v);
      return String(c === "i" ? Math.trunc(n) : n);
    }
    case "f":
      return String(parseFloat(String(v)));
    case "j":
      try {
        return JSON.stringify(v);
      } catch {
        return "[Circular]";
      }
    default: // o, O
      return Deno.inspect(v, INSPECT);
  }
}

/**
 * Formats `args` as `console.log` prints them: `%s %d %i %f %j %o %O %c %%`
 * in a leading string, the other arguments after it separated by spaces.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { format } from "./format.ts";
 * assert.equal(format("%s is %d%%", "cpu", 42, { x: 1 }), "cpu is 42% { x: 1 }");
 * assert.equal(format(1, "a"), "1 a");
 * ```
 */
export function format(...args: unknown[]): string {
  if (args.length === 0) return "";
  if (args.length === 1 && typeof args[0] === "string") return args[0];
  let i = 0;
  let out = "";
  if (typeof args[0] === "string") {
    const fmt = args[0];
    i = 1;
    out = fmt.replace(/%([sdifjoOc%])/g, (m, c: string) => {
      if (c === "%") return "%";
      if (i >= args.length) return m;
      const v = args[i++];
      return c === "c" ? "" : directive(c, v);
    });
  } else {
    out = inspect(args[0]);
    i = 1;
  }
  for (; i < args.length; i++) out += " " + inspect(args[i]);
  return out;
}
