/**
 * One run of `deno <args>` (bundle, compile) as the compile tool makes it:
 * no colour, no stdin, both streams collected, cancellable.
 *
 * @module
 */

/** How a `deno` run ended: its exit code and what it printed (stdout then stderr). */
export interface DenoRun {
  success: boolean;
  code: number;
  text: string;
}

/** Runs this deno with `args`; `env` is added to `NO_COLOR=1`; aborting `signal` kills it. */
export async function runDeno(
  args: string[],
  env: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<DenoRun> {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal,
  }).output();
  const dec = new TextDecoder();
  return {
    success: out.success,
    code: out.code,
    text: dec.decode(out.stdout) + dec.decode(out.stderr),
  };
}
