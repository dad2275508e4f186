/**
 * Eagerly compiled module wrappers and functions in a bundle. esbuild wraps each CommonJS
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
 * The same holds for the function declarations of the bundle's module
 * scope (the toolkit's own code and the ESM packages): each becomes `var
 * name = (function(…) { … });` at the start of the bundle, where the
 * declaration would have been hoisted to, so every name holds its function
 * before any statement runs, as before. Measured on the gobuilder bundle
 * through BuildSpec (`wphost startprobe` under callgrind, side by side):
 * 390.7–394.4M → 382.6–383.0M instructions per launch. Doing the same inside
 * the CommonJS wrappers (330 more functions, grpc-js's) gave nothing
 * measurable, so it is not done.
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
export function eagerWrappers(
  source: string,
): { source: string; eager: number; kept: number; functions: number } {
  // Self-contained (install --dev's rebuild.js embeds its text): no imports, inner helpers only.
  const OPEN = /= (__commonJS|__esm)\(\{\n {2}("(?:[^"\\\n]|\\.)*")\(([\w$, ]*)\) \{\n/g;
  const CLOSE = "\n  }\n});\n";
  const REGEX_AFTER =
    /(?:^|[(,=:[!&|?{};+\-*%<>~^]|\b(?:return|typeof|instanceof|in|of|new|delete|void|throw|case|do|else|yield|await))\s*$/;

  /**
   * The index of the `}` that closes the block whose body starts at `from`, or -1.
   * `atLine` is called at each line that starts in the block itself (not in a
   * nested block, string, template or comment); a number it returns is where
   * to go on.
   */
  function blockEnd(s: string, from: number, atLine?: (i: number) => number | undefined): number {
    let depth = 1;
    const templates: number[] = []; // brace depth at each open `${`
    let i = from;
    let last = "{"; // the code before the current position, for the regex rule
    const n = s.length;
    while (i < n) {
      if (atLine && depth === 1 && (i === from || s[i - 1] === "\n")) {
        const next = atLine(i);
        if (next !== undefined) {
          i = next;
          last = "}";
          continue;
        }
      }
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
  const wrapped = out + source.slice(at);

  // The module scope's function declarations, as esbuild lays them out (the
  // head on one line, the closing brace alone on its line), become
  // parenthesised anonymous function expressions assigned to the same names
  // at the start (after a hashbang line): where a declaration is hoisted
  // to, so each name holds the same function before any statement runs, and
  // V8 compiles them with the script, which Deno's code cache keeps, instead
  // of lazily at every launch. One in a nested block, a string, a template
  // or a comment is not one of them.
  const HEAD = /(async )?function(\*?) ([\w$]+)\(([^\n]*)\) \{\n/y;
  const moved: string[] = [];
  let rest = "";
  let from = 0;
  blockEnd(wrapped + "\n}", 0, (i) => {
    HEAD.lastIndex = i;
    const m = HEAD.exec(wrapped);
    if (!m) return undefined;
    const end = blockEnd(wrapped, i + m[0].length);
    if (end < 0 || wrapped[end - 1] !== "\n" || (wrapped[end + 1] ?? "\n") !== "\n") {
      return undefined;
    }
    moved.push(
      `var ${m[3]} = (${m[1] ?? ""}function${m[2]}(${m[4]}) {\n` +
        wrapped.slice(i + m[0].length, end + 1) + ");\n",
    );
    rest += wrapped.slice(from, i);
    from = end + 2;
    return end + 1;
  });
  rest += wrapped.slice(from);
  const hashbang = /^#![^\n]*\n/.exec(rest)?.[0] ?? "";
  return {
    source: hashbang + moved.join("") + rest.slice(hashbang.length),
    eager,
    kept,
    functions: moved.length,
  };
}
