/**
 * The CLI skeleton every tool shares (src/tools/cli.ts): help on -h/--help
 * with exit 0, a user's mistake as `error: …` plus the usage line with exit
 * 2, a failure as `error: …` with exit 1, and anything else left to crash.
 */
import { assertEquals, assertRejects, assertThrows } from "./support/assert.ts";
import {
  CommandError,
  parseCommandLine,
  runCli,
  shellQuote,
  UsageError,
} from "../src/tools/cli.ts";

const CLI = {
  usage: "Usage: greet [options] [who]",
  help: "Usage: greet [options] [who]\n\nSays hello.",
  positionals: true,
  options: {
    greeting: { type: "string", default: "hello" },
    loud: { type: "boolean", default: false },
    tag: { type: "string", multiple: true, default: [] as string[] },
  },
} as const;

/** Runs `f` with console.log and console.error captured. */
async function captured(
  f: () => Promise<number>,
): Promise<{ code: number; out: string; err: string }> {
  const { log, error } = console;
  let out = "", err = "";
  console.log = (...a: unknown[]) => out += a.join(" ") + "\n";
  console.error = (...a: unknown[]) => err += a.join(" ") + "\n";
  try {
    return { code: await f(), out, err };
  } finally {
    console.log = log;
    console.error = error;
  }
}

function greet(args: string[]): Promise<number> {
  return runCli(CLI, args, ({ values, positionals }) => {
    if (positionals.length > 1) throw new UsageError(`Too many names: ${positionals.join(" ")}`);
    const who = positionals[0] ?? "world";
    if (who === "nobody") throw new CommandError(`Nobody answered the ${values.greeting}`);
    if (who === "bug") throw new TypeError("a bug");
    const line = `${values.greeting} ${who}${values.tag.map((t) => ` #${t}`).join("")}`;
    console.log(values.loud ? line.toUpperCase() : line);
    return 0;
  }, { color: false });
}

const usageTail = "\n\nUsage: greet [options] [who]\nFor all options, run it with --help\n";

Deno.test("runCli runs the body with typed values and positionals", async () => {
  assertEquals(await captured(() => greet(["--loud", "--tag", "a", "--tag", "b", "ada"])), {
    code: 0,
    out: "HELLO ADA #A #B\n",
    err: "",
  });
  assertEquals((await captured(() => greet([]))).out, "hello world\n");
});

Deno.test("-h and --help print the whole help to stdout and exit 0, before the body runs", async () => {
  for (const flag of ["-h", "--help"]) {
    assertEquals(await captured(() => greet([flag, "nobody"])), {
      code: 0,
      out: "Usage: greet [options] [who]\n\nSays hello.\n",
      err: "",
    });
  }
});

Deno.test("a user's mistake is error: …, the usage line and a pointer to --help, exit 2", async () => {
  const cases: [string[], string][] = [
    [["--bogus"], 'Unknown option "--bogus"'],
    [["-x"], 'Unknown option "-x"'],
    [["--greeting"], 'Option "--greeting" needs a value'],
    [
      ["--greeting", "--loud"],
      'Option "--greeting" needs a value: to give one that starts with "-", write --greeting=<value>',
    ],
    [["--loud=yes"], 'Option "--loud" does not take an argument'],
    [["a", "b"], "Too many names: a b"],
  ];
  for (const [args, message] of cases) {
    assertEquals(
      await captured(() => greet(args)),
      { code: 2, out: "", err: `error: ${message}${usageTail}` },
      args.join(" "),
    );
  }
});

Deno.test("a tool that takes no positionals says so in our words", () => {
  const cli = { usage: "u", help: "h", options: {} } as const;
  assertThrows(
    () => parseCommandLine(cli, ["stray"]),
    UsageError,
    'Unexpected argument "stray": this tool takes options only',
  );
});

Deno.test("a CommandError is error: … without the usage line, exit 1; other errors are bugs", async () => {
  assertEquals(await captured(() => greet(["nobody"])), {
    code: 1,
    out: "",
    err: "error: Nobody answered the hello\n",
  });
  await assertRejects(() => greet(["bug"]), TypeError, "a bug");
});

Deno.test("shellQuote leaves plain words and quotes the rest for a POSIX shell", () => {
  assertEquals(
    ["bin/x", "--v8-flags=--a=1,--b", "dist dir", "it's", "$HOME", ""].map(shellQuote),
    ["bin/x", "--v8-flags=--a=1,--b", "'dist dir'", "'it'\\''s'", "'$HOME'", "''"],
  );
});
