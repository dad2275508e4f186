/**
 * The GitHub Actions workflow a new project gets: valid for actionlint, CI
 * on every push, and on a version tag a release whose steps — run here as
 * GitHub runs them, with `gh` recorded — publish every target's zip and a
 * SHA256SUMS that checks them.
 */
import { assert, assertEquals, assertStringIncludes } from "./support/assert.ts";
import { dirname, join } from "./support/path.ts";
import { REPO, tempDir } from "./support/host.ts";
import { actionlint } from "./support/actionlint.ts";
import { fakeRuntimes, runtimeEnv } from "./support/fake_denort.ts";
import { command, init } from "./support/init_run.ts";
import { ACTIONS, CACHE_ACTION, releaseSteps, VERSION_CHECK } from "../src/tools/init/workflow.ts";
import type { TemplateParams } from "../src/tools/init/params.ts";
import { TARGETS } from "../src/tools/compile/targets.ts";
import { zipName } from "../src/tools/compile/invocations.ts";
import { VERSION } from "../src/version.ts";

const WORKFLOW = ".github/workflows/ci.yml";

async function project(name: string, components = "builder"): Promise<string> {
  const dir = join(await tempDir("initwf-"), `waypoint-plugin-${name}`);
  const made = await init([name, dir, "--toolkit", REPO, "--components", components], REPO);
  assertEquals(made.code, 0, made.stderr);
  return dir;
}

/** What the release steps are made from: only the name matters to them. */
function params(name: string): TemplateParams {
  return { name, pkg: name, components: ["builder"], imports: {}, version: VERSION };
}

function indented(script: string): string {
  return script.split("\n").map((l) => l ? `          ${l}` : l).join("\n");
}

/** Runs `script` with `bash -e`, GitHub's default shell for `run:`. */
function bash(script: string, cwd: string, env: Record<string, string>) {
  return command("bash", ["-e", "-c", script], cwd, env);
}

Deno.test("the generated workflow passes actionlint, which does catch a broken one", async () => {
  const dir = await project("linted", "builder,registry,platform,releasemanager");
  const ok = await actionlint([WORKFLOW], dir);
  assertEquals(ok, { code: 0, output: "" });

  // The control: a job that needs one that does not exist.
  const text = await Deno.readTextFile(join(dir, WORKFLOW));
  await Deno.writeTextFile(join(dir, WORKFLOW), text.replaceAll("needs: ok", "needs: tests"));
  const broken = await actionlint([WORKFLOW], dir);
  assertEquals(broken.code, 1, broken.output);
  for (const job of ["e2e", "release"]) {
    assertStringIncludes(
      broken.output,
      `job "${job}" needs job "tests" which does not exist in this workflow [job-needs]`,
    );
  }
});

Deno.test("the workflow runs deno task ok on every push, and releases on a version tag", async () => {
  const dir = await project("shape");
  const text = await Deno.readTextFile(join(dir, WORKFLOW));
  for (
    const part of [
      `on:\n  push:\n    branches: ["**"]\n    tags: ["v*"]\n  pull_request:\n`,
      "permissions:\n  contents: read\n",
      "  ok:\n    runs-on: ubuntu-latest\n",
      "      - run: deno task ok\n",
      "  release:\n    if: startsWith(github.ref, 'refs/tags/v')\n    needs: ok\n",
      "    permissions:\n      contents: write # to create the release\n",
      `          deno-version: ${Deno.version.deno}\n`,
    ]
  ) assertStringIncludes(text, part);
  // The three jobs check out and set up Deno with the actions pinned to a commit.
  for (const pin of Object.values(ACTIONS)) {
    assert(/^[\w-]+\/[\w-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/.test(pin), pin);
    assertEquals(text.split(`      - uses: ${pin}\n`).length - 1, 3, pin);
  }
  // The e2e job: the Waypoint CLI cached by version, then deno task e2e, after deno task ok.
  for (
    const part of [
      "  e2e:\n    needs: ok\n    runs-on: ubuntu-latest\n",
      `      - uses: ${CACHE_ACTION}\n`,
      "key: waypoint-cli-v0.11.4-${{ runner.os }}-${{ runner.arch }}\n",
      'run: echo "WAYPOINT_BIN=$(deno task -q waypoint-cli)" >> "$GITHUB_ENV"\n',
      "      - run: deno task e2e\n",
    ]
  ) assertStringIncludes(text, part);
  // Each release step's script is in the file as the release test below runs it.
  for (const step of releaseSteps(params("shape"))) {
    assertStringIncludes(text, `      - name: ${step.name}\n`);
    const oneLine = !step.run.trimEnd().includes("\n");
    assertStringIncludes(
      text,
      oneLine ? `        run: ${step.run}` : `        run: |\n${indented(step.run)}`,
    );
  }
});

Deno.test("the release steps, run as GitHub runs them, publish every target's zip and SHA256SUMS", async () => {
  const dir = await project("rel");
  const root = dirname(dir);
  // `gh` is GitHub's CLI on every hosted runner; here it records its arguments and "uploads"
  // the files it is given into a folder, as a release page would offer them.
  const bin = join(root, "fakebin");
  const uploaded = join(root, "release");
  await Deno.mkdir(bin);
  await Deno.mkdir(uploaded);
  await Deno.writeTextFile(
    join(bin, "gh"),
    `#!/bin/sh\nprintf '%s\\n' "$@" > "${root}/gh-args"\n` +
      `for a in "$@"; do case "$a" in bin/*) cp "$a" "${uploaded}/";; esac; done\n`,
  );
  await Deno.chmod(join(bin, "gh"), 0o755);
  const env = {
    PATH: `${bin}:${dirname(Deno.execPath())}:${Deno.env.get("PATH")}`,
    GITHUB_REF_NAME: "v0.1.0",
    GITHUB_REPOSITORY: "someone/waypoint-plugin-rel",
    GH_TOKEN: "not-a-token",
    ...runtimeEnv(await fakeRuntimes()),
  };
  for (const step of releaseSteps(params("rel"))) {
    const r = await bash(step.run, dir, env);
    assertEquals(r.code, 0, `${step.name}:\n${r.stdout}\n${r.stderr}`);
  }
  const zips = TARGETS.map((t) => `bin/${zipName("rel", "0.1.0", t)}`);
  assertEquals((await Deno.readTextFile(join(root, "gh-args"))).split("\n"), [
    "release",
    "create",
    "v0.1.0",
    ...zips.sort(),
    "bin/SHA256SUMS",
    "--repo",
    "someone/waypoint-plugin-rel",
    "--verify-tag",
    "--title",
    "waypoint-plugin-rel v0.1.0",
    "--notes",
    "For Linux, macOS and Windows, x86_64 and arm64. Check a download with: " +
    "sha256sum --ignore-missing -c SHA256SUMS",
    "",
  ]);
  // What the release notes tell users to run, on what a release offers: the zips and the sums.
  const check = await bash("sha256sum --ignore-missing -c SHA256SUMS", uploaded, {});
  assertEquals(check.code, 0, check.stdout + check.stderr);
  assertEquals(
    check.stdout.split("\n").filter(Boolean).sort(),
    zips.map((z) => `${z.slice("bin/".length)}: OK`).sort(),
  );
});

Deno.test("the release stops when the tag is not deno.json's version", async () => {
  const dir = await project("tagged");
  const env = {
    PATH: `${dirname(Deno.execPath())}:${Deno.env.get("PATH")}`,
    GITHUB_REF_NAME: "v0.2.0",
  };
  const r = await bash(VERSION_CHECK, dir, env);
  assertEquals(r.code, 1);
  assertEquals(
    r.stdout,
    `::error::Tag "v0.2.0" does not match deno.json's version "0.1.0": tag v0.1.0, or set the ` +
      "version in deno.json\n",
  );
});
