/** Runs `init` and `deno` in child processes, as a user would, for the init tests. */
import { join } from "./path.ts";
import { REPO } from "./host.ts";
import { shellQuote } from "../../src/tools/cli.ts";

const dec = new TextDecoder();

/** What a child process printed and how it ended. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The init script of this checkout. */
export const INIT: string = join(REPO, "src", "tools", "init.ts");

/** `cmd <args>` in `cwd`, stdin closed (not a terminal), with `env` added. */
export async function command(
  cmd: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<Run> {
  const out = await new Deno.Command(cmd, {
    args,
    cwd,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** `deno <args>` in `cwd`, as {@linkcode command} runs it. */
export function deno(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  return command(Deno.execPath(), args, cwd, env);
}

/** `init <args>` with the permissions `perms` (default `-A`). */
export function init(
  args: string[],
  cwd: string,
  perms: string[] = ["-A"],
  env: Record<string, string> = {},
): Promise<Run> {
  return deno(["run", ...perms, INIT, ...args], cwd, env);
}

/**
 * Runs `command` on a pseudo-terminal (util-linux `script`), typing `input`;
 * returns what the terminal showed. Throws when `script` is missing.
 */
export async function onTerminal(
  command: string[],
  input: string,
  cwd: string,
  env: Record<string, string> = {},
): Promise<Run> {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command("script", {
      args: ["-q", "-e", "-c", command.map(shellQuote).join(" "), "/dev/null"],
      cwd,
      env,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (err) {
    throw new Error(
      `This test needs a terminal and runs one with util-linux's \`script\`, which failed to start: ${
        (err as Error).message
      }`,
    );
  }
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(input));
  await writer.close();
  const out = await child.output();
  // A terminal ends lines with \r\n.
  const text = (b: Uint8Array) => dec.decode(b).replaceAll("\r\n", "\n");
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}
