/** The `deno doc --json` of every entry point deno.json exports, as the JSR page is made from it. */
import { exportedModules } from "../../scripts/lib/publish.ts";
import { REPO } from "../../scripts/lib/repo.ts";

/** The doc JSON (`nodes` by module URL) and the entry points it covers. */
export async function publicDocs(): Promise<
  { entries: string[]; docs: { nodes: Record<string, unknown> } }
> {
  const entries = await exportedModules();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "-q", "--json", ...entries],
    cwd: REPO,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(`deno doc failed: ${new TextDecoder().decode(out.stderr)}`);
  return { entries, docs: JSON.parse(new TextDecoder().decode(out.stdout)) };
}
