/**
 * Source folders of Go modules from the module cache, downloaded through the
 * Go module proxy when missing (`go mod download -json`), for tests that
 * compare our files with upstream definitions.
 */

const cache = new Map<string, Promise<string>>();

/** The source folder of `module@version`; throws with go's own reason when it cannot be had. */
export function goModuleDir(module: string, version: string): Promise<string> {
  const key = `${module}@${version}`;
  let dir = cache.get(key);
  if (!dir) {
    dir = download(key);
    cache.set(key, dir);
  }
  return dir;
}

async function download(key: string): Promise<string> {
  // Outside any module, so no go.mod around us decides what is downloaded.
  const cwd = await Deno.makeTempDir({ prefix: "gomod-" });
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command("go", {
      args: ["mod", "download", "-json", key],
      cwd,
      env: { GOFLAGS: "-mod=mod" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (err) {
    throw new Error(`Cannot download ${key}: running go failed: ${(err as Error).message}`);
  } finally {
    await Deno.remove(cwd, { recursive: true }).catch(() => {});
  }
  const dec = new TextDecoder();
  let info: { Dir?: string; Error?: string } = {};
  try {
    info = JSON.parse(dec.decode(out.stdout));
  } catch {
    // go printed no JSON: its stderr says why
  }
  if (!out.success || !info.Dir) {
    throw new Error(
      `Cannot download ${key} with \`go mod download\` (exit ${out.code}): ${
        info.Error ?? dec.decode(out.stderr).trim()
      }`,
    );
  }
  return info.Dir;
}
