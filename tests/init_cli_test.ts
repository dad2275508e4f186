/**
 * `init` on first contact, measured against `@fresh/init` and create-vite:
 * plain text off a terminal and colour on one (unless NO_COLOR), a relative
 * `cd`, a question before writing into a directory that is not empty, a
 * missing permission caught before anything is written, and a user's
 * mistake shown as `error: …` plus one usage line.
 */
import { assert, assertEquals, assertStringIncludes } from "./support/assert.ts";
import { join } from "./support/path.ts";
import { exists, REPO, tempDir } from "./support/host.ts";
import { INIT, init, onTerminal } from "./support/init_run.ts";
import { USAGE } from "../src/tools/init/output.ts";

const ESC = "\x1b[";

/** `text` without its colours. */
function uncoloured(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, "");
}

/** Where init runs: a fresh directory holding nothing. */
async function emptyRoot(): Promise<string> {
  return await tempDir("initcli-");
}

Deno.test("off a terminal init prints plain text, where it wrote, and a relative cd", async () => {
  const root = await emptyRoot();
  const r = await init(["plain", "--components", "builder", "--toolkit", REPO], root);
  assertEquals(r.code, 0, r.stderr);
  assertEquals(r.stderr, "");
  assertEquals(
    r.stdout,
    `Created waypoint-plugin-plain in ./waypoint-plugin-plain: builder (11 files)

Next steps:
  cd waypoint-plugin-plain
  deno task test           # run the plugin's lifecycle through the test host
  deno task install --dev  # let Waypoint find it while you work on it
  deno task ok             # fmt, lint, type check, proto drift, tests: what CI runs

On GitHub, .github/workflows/ci.yml runs deno task ok on every push; a tag
v0.1.0 publishes the binaries for every platform as a release (see README.md).

`,
  );
  assert(await exists(join(root, "waypoint-plugin-plain", "main.ts")));

  // A directory given with a space is cd'ed into quoted; "." needs no cd at all.
  const spaced = await init(["spaced", "my plugins/spaced", "--toolkit", REPO], root);
  assertEquals(spaced.code, 0, spaced.stderr);
  assertStringIncludes(spaced.stdout, " in ./my plugins/spaced: ");
  assertStringIncludes(spaced.stdout, "\n  cd 'my plugins/spaced'\n");
  const here = join(root, "here");
  await Deno.mkdir(here);
  const dot = await init(["here", ".", "--toolkit", REPO], here);
  assertEquals(dot.code, 0, dot.stderr);
  assertStringIncludes(dot.stdout, "Created waypoint-plugin-here in the current directory: ");
  assertEquals(dot.stdout.includes("  cd "), false, dot.stdout);
  assertEquals(dot.stdout.includes(ESC), false);
});

Deno.test("on a terminal init colours its output, and NO_COLOR turns the colour off", async () => {
  const root = await emptyRoot();
  const args = ["run", "-A", INIT, "--toolkit", REPO, "--components", "builder"];
  const tty = await onTerminal([Deno.execPath(), ...args, "tty"], "", root);
  assertEquals(tty.code, 0, tty.stdout);
  assertStringIncludes(tty.stdout, `${ESC}32m${ESC}1mCreated${ESC}22m${ESC}39m`);
  assertStringIncludes(tty.stdout, `  ${ESC}36mcd waypoint-plugin-tty${ESC}39m\n`);
  const plain = await onTerminal([Deno.execPath(), ...args, "notty"], "", root, {
    NO_COLOR: "1",
  });
  assertEquals(plain.code, 0, plain.stdout);
  assertStringIncludes(plain.stdout, "Created waypoint-plugin-notty in ./waypoint-plugin-notty");
  assertEquals(plain.stdout.includes(ESC), false, JSON.stringify(plain.stdout));
});

Deno.test("on a terminal init asks before writing into a directory that is not empty", async () => {
  const root = await emptyRoot();
  const dir = join(root, "waypoint-plugin-ask");
  await Deno.mkdir(dir);
  await Deno.writeTextFile(join(dir, "deno.json"), "{}\n");
  await Deno.writeTextFile(join(dir, "notes.txt"), "mine\n");
  const cmd = [Deno.execPath(), "run", "-A", INIT, "ask", "--components", "builder"];
  const question = "waypoint-plugin-ask is not empty (1 of its files would be overwritten: " +
    "deno.json). Write the project into it anyway? [y/N]";

  const no = await onTerminal(cmd, "n\n", root);
  assertEquals(no.code, 1, no.stdout);
  assertStringIncludes(no.stdout, question);
  assertStringIncludes(no.stdout, "Cancelled: nothing was written");
  assertEquals(await Deno.readTextFile(join(dir, "deno.json")), "{}\n");
  assertEquals(await exists(join(dir, "main.ts")), false);

  const yes = await onTerminal(cmd, "y\n", root);
  assertEquals(yes.code, 0, yes.stdout);
  assertStringIncludes(yes.stdout, question);
  assertStringIncludes(
    uncoloured(yes.stdout),
    "Created waypoint-plugin-ask in ./waypoint-plugin-ask",
  );
  assert(await exists(join(dir, "main.ts")));
  assertStringIncludes(await Deno.readTextFile(join(dir, "deno.json")), '"allowScripts"');
  assertEquals(await Deno.readTextFile(join(dir, "notes.txt")), "mine\n");

  // --yes never asks: a script gets the error instead of a question it cannot answer.
  const scripted = await onTerminal([...cmd, "--yes"], "y\n", root);
  assertEquals(scripted.code, 2, scripted.stdout);
  assertEquals(scripted.stdout.includes("[y/N]"), false, scripted.stdout);
  assertStringIncludes(scripted.stdout, "pass --force to write into it");
});

Deno.test("a directory holding only .git counts as empty, as in @fresh/init", async () => {
  const root = await emptyRoot();
  await Deno.mkdir(join(root, "repo", ".git"), { recursive: true });
  const r = await init(["gitonly", "repo", "--toolkit", REPO], root);
  assertEquals(r.code, 0, r.stderr);
  assert(await exists(join(root, "repo", "main.ts")));
});

Deno.test("without read or write permission init stops before writing anything and names the flag", async () => {
  const root = await emptyRoot();
  const noWrite = await init(["noperm"], root, ["-R"]);
  assertEquals(noWrite.code, 1);
  assertEquals(noWrite.stdout, "");
  assertEquals(
    noWrite.stderr,
    "error: init needs write access to waypoint-plugin-noperm: run it with --allow-write (-W) or -A\n",
  );
  const noRead = await init(["noperm"], root, ["-W"]);
  assertEquals(noRead.code, 1);
  assertEquals(
    noRead.stderr,
    "error: init needs read access to waypoint-plugin-noperm: run it with --allow-read (-R) or -A\n",
  );
  assertEquals(await exists(join(root, "waypoint-plugin-noperm")), false);
});

Deno.test("a user's mistake is error: … and one usage line, exit status 2, not the whole help", async () => {
  const root = await emptyRoot();
  const full = join(root, "full");
  await Deno.mkdir(full);
  await Deno.writeTextFile(join(full, "main.ts"), "x");
  const cases: [string[], string][] = [
    [
      ["Bad Name", "--yes"],
      'The plugin name "Bad Name" is not valid: use lowercase letters, ' +
      'digits, "-" and "_", starting with a letter',
    ],
    [
      ["ok", "--components", "builder,frobnicator"],
      'Unknown component "frobnicator": choose ' +
      "from builder, registry, platform, releasemanager",
    ],
    [
      ["ok", "full"],
      "full is not empty (1 of its files would be overwritten: main.ts): " +
      "choose another directory, or pass --force to write into it",
    ],
    [["--yes"], "The plugin name is missing"],
    [["a", "b", "c"], "Too many arguments: c"],
    [["ok", "--bogus"], 'Unknown option "--bogus"'],
    [["ok", "--components"], 'Option "--components" needs a value'],
  ];
  for (const [args, message] of cases) {
    const r = await init(args, root);
    assertEquals(r.code, 2, args.join(" "));
    assertEquals(r.stdout, "");
    assertEquals(
      r.stderr,
      `error: ${message}\n\n${USAGE}\nFor all options, run it with --help\n`,
      args.join(" "),
    );
  }
  assertEquals(await exists(join(root, "ok")), false);
  assertEquals(await exists(join(root, "waypoint-plugin-ok")), false);
  assertEquals(await Deno.readTextFile(join(full, "main.ts")), "x");
  const help = await init(["--help"], root);
  assertEquals(help.code, 0);
  assert(help.stdout.startsWith(`${USAGE}\n`), help.stdout);
  assertStringIncludes(help.stdout, "Permissions: read and write access to the directory (-R -W)");
});
