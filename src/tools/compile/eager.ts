/**
 * Eagerly compiled module wrappers in a bundle. esbuild wraps each CommonJS
 * module (grpc-js, protobufjs …) in a method, `"path"(exports, module) {
 * … }`, that runs when the module is first required. V8 compiles such a
 * method lazily, on every launch: Deno's code cache holds what was compiled
 * when the script was, the top level only. A function expression in
 * parentheses is compiled with the script (V8's parenthesised-function
 * heuristic), so the same wrapper written `"path": (function(exports,
 * module) { … })` comes from the code cache: measured on the gobuilder
 * bundle, 17M instructions less per launch (about 3 ms), 12.5M of them in
 * grpc-js. The two forms behave the same: esbuild calls the wrapper as a
 * method of its object either way, and the bodies use neither `super` nor
 * `new.target`.
 *
 * Each wrapper's end is found by reading the JavaScript (strings, template
 * literals, comments and regular expressions skipped), and must be where
 * esbuild's layout puts it; a wrapper for which either is in doubt is left
 * as it is.
 *
 * @module
 */

/**
 * `source` with esbuild's `__commonJS` and `__esm` wrappers written as
 * parenthesised function expressions; `eager` counts the rewritten ones,
 * `kept` the ones left alone.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { eagerWrappers } from "./eager.ts";
 * const js = 'var require_a = __commonJS({\n  "a.js"(exports, module) {\n    module.exports = "}";\n  }\n});\n';
 * const r = eagerWrappers(js);
 * assert.equal(r.eager, 1);
 * assert.equal(
 *   r.source,
 *   'var require_a = __commonJS({\n  "a.js": (function(exports, module) {\n    module.exports = "}";\n  })\n});\n',
 * );
 * ```
 */
export function eagerWrappers(source: string): { source: string; eager: number; kept: number } {
  // Self-contained (install --dev's rebuild.js embeds its text): no imports, inner helpers only.
  const OPEN = /= (__commonJS|__esm)\(\{\n {2}("(?:[^"\\\n]|\\.)*")\(([\w$, ]*)\) \{\n/g;
  const CLOSE = "\n  }\n});\n";
  const REGEX_AFTER =
    /(?:^|[(,=:[!&|?{};+\-*%<>~^]|\b(?:return|typeof|instanceof|in|of|new|delete|void|throw|case|do|else|yield|await))\s*$/;

  /** The index of the `}` that closes the block whose body starts at `from`, or -1. */
  function blockEnd(s: string, from: number): number {
    let depth = 1;
    const templates: number[] = []; // brace depth at each open `${`
    let i = from;
    let last = "{"; // the code before the current position, for the regex rule
    const n = s.length;
    while (i < n) {
      const c = s[i];
      if (c === "/" && s[i + 1] === "/") {
        const e = s.indexOf("\n", i);
        i = e < 0 ? n : e;
        continue;
      }
      if (c === "/" && s[i + 1] === "*") {
        const e = s.indexOf("*/", i + 2);
        if (e < 0) return -1;
        i = e + 2;
        continue;
      }
      if (c === '"' || c === "'") {
        i++;
        while (i < n && s[i] !== c) {
          if (s[i] === "\n") return -1;
          i += s[i] === "\\" ? 2 : 1;
        }
        i++;
        last = "a";
        continue;
      }
      if (c === "`" || (c === "}" && templates.length && templates.at(-1) === depth)) {
        // A template literal, or the rest of one after a `${ … }`.
        if (c === "}") templates.pop();
        i++;
        while (i < n && s[i] !== "`") {
          if (s[i] === "\\") i += 2;
          else if (s[i] === "$" && s[i + 1] === "{") break;
          else i++;
        }
        if (i >= n) return -1;
        if (s[i] === "$") {
          templates.push(depth);
          i += 2;
          last = "{";
        } else {
          i++;
          last = "a";
        }
        continue;
      }
      if (c === "/" && REGEX_AFTER.test(last.slice(-12))) {
        let inClass = false;
        i++;
        while (i < n && (inClass || s[i] !== "/")) {
          if (s[i] === "\n") return -1;
          if (s[i] === "\\") i++;
          else if (s[i] === "[") inClass = true;
          else if (s[i] === "]") inClass = false;
          i++;
        }
        i++;
        while (i < n && /[a-z]/.test(s[i])) i++;
        last = "a";
        continue;
      }
      if (c === "{") depth++;
      else if (c === "}" && --depth === 0) return i;
      if (!/\s/.test(c)) last = (last + c).slice(-12);
      else if (!/\s$/.test(last)) last += " ";
      i++;
    }
    return -1;
  }

  let out = "";
  let at = 0;
  let eager = 0;
  let kept = 0;
  OPEN.lastIndex = 0;
  for (let m = OPEN.exec(source); m; m = OPEN.exec(source)) {
    if (m.index < at) continue;
    const bodyStart = m.index + m[0].length;
    const end = blockEnd(source, bodyStart);
    // The closing `}` must be the method's, laid out as esbuild lays it out.
    if (end < 0 || source.slice(end - 3, end - 3 + CLOSE.length) !== CLOSE) {
      kept++;
      continue;
    }
    out += source.slice(at, m.index) +
      `= ${m[1]}({\n  ${m[2]}: (function(${m[3]}) {\n` +
      source.slice(bodyStart, end - 3) + "\n  })\n});\n";
    at = end - 3 + CLOSE.length;
    OPEN.lastIndex = at;
    eager++;
  }
  return { source: out + source.slice(at), eager, kept };
}
