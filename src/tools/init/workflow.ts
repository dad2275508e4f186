/**
 * The GitHub Actions files `init` writes: CI on every push and pull request
 * (`deno task ok`), and on a version tag a release with the zips and
 * `SHA256SUMS` that `deno task compile` makes for every target — what
 * HashiCorp's Go plugin templates get from goreleaser.
 */
import type { TemplateParams } from "./params.ts";
import { hasE2e } from "./e2e.ts";
import { WAYPOINT_VERSION } from "../waypoint_cli.ts";

/**
 * The actions the workflow uses, pinned to a full commit SHA (a tag can be
 * moved; a SHA cannot), with the release it is as a comment that Dependabot
 * keeps up to date.
 */
export const ACTIONS: Readonly<Record<"checkout" | "setupDeno", string>> = {
  checkout: "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1",
  setupDeno: "denoland/setup-deno@667a34cdef165d8d2b2e98dde39547c9daac7282 # v2.0.4",
};

/**
 * The cache action of the e2e job, by its major tag: the toolkit could not
 * check a release commit of it, so the generated file says to pin one.
 */
export const CACHE_ACTION = "actions/cache@v4";

/**
 * The e2e job: the Waypoint CLI built by \`deno task waypoint-cli\` from the
 * Go module proxy (Go is on GitHub's Ubuntu runners) and cached between
 * runs by version, then \`deno task e2e\` through it.
 */
function e2eJob(denoVersion: string): string {
  const dir = `~/.cache/waypoint-plugin-deno/waypoint-${WAYPOINT_VERSION}`;
  return `
  e2e:
    needs: ok
    runs-on: ubuntu-latest
    steps:
${setup(denoVersion)}
      # Pin this to the commit SHA of an actions/cache v4 release, as the actions above are.
      - uses: ${CACHE_ACTION}
        with:
          path: |
            ${dir}/waypoint
            ${dir}/waypoint.stamp
          key: waypoint-cli-${WAYPOINT_VERSION}-\${{ runner.os }}-\${{ runner.arch }}
      - name: The Waypoint ${WAYPOINT_VERSION} CLI (built once from the Go module proxy, then cached)
        run: echo "WAYPOINT_BIN=$(deno task -q waypoint-cli)" >> "$GITHUB_ENV"
      - run: deno task e2e
`;
}

/**
 * The release job's first step: the tag must be `v` + deno.json's `version`,
 * which names the zips. Reads `GITHUB_REF_NAME`; exits 1 with a GitHub error
 * annotation when they differ.
 */
export const VERSION_CHECK: string =
  `version="$(deno eval --no-config 'console.log(JSON.parse(Deno.readTextFileSync("deno.json")).version)')"
if [ "$GITHUB_REF_NAME" != "v$version" ]; then
  echo "::error::Tag \\"$GITHUB_REF_NAME\\" does not match deno.json's version \\"$version\\": tag v$version, or set the version in deno.json"
  exit 1
fi
`;

/** A `run:` step of the release job. */
export interface ReleaseStep {
  /** The step's name. */
  name: string;
  /** Its script, for bash (GitHub's default shell: `bash -e`), ending in a newline. */
  run: string;
  /** Its `env:`. */
  env?: Record<string, string>;
}

/**
 * The release job's steps after checkout and setup, in order: the version
 * check, `deno task compile` (every target: zips and `SHA256SUMS` in bin/),
 * and `gh release create` (on every GitHub-hosted runner) with those files.
 */
export function releaseSteps(p: TemplateParams): ReleaseStep[] {
  return [
    { name: "The tag matches deno.json's version", run: VERSION_CHECK },
    { name: "Compile for every target", run: "deno task compile\n" },
    {
      name: "Publish the release",
      env: { GH_TOKEN: "${{ github.token }}" },
      run: `gh release create "$GITHUB_REF_NAME" bin/*.zip bin/SHA256SUMS \\
  --repo "$GITHUB_REPOSITORY" --verify-tag --title "waypoint-plugin-${p.name} $GITHUB_REF_NAME" \\
  --notes "For Linux, macOS and Windows, x86_64 and arm64. Check a download with: sha256sum --ignore-missing -c SHA256SUMS"
`,
    },
  ];
}

function indent(text: string, by: string): string {
  return text.split("\n").map((l) => l ? by + l : l).join("\n");
}

function stepYaml(step: ReleaseStep): string {
  const env = step.env
    ? `        env:\n${Object.entries(step.env).map(([k, v]) => `          ${k}: ${v}\n`).join("")}`
    : "";
  const oneLine = !step.run.trimEnd().includes("\n");
  const run = oneLine
    ? `        run: ${step.run.trimEnd()}\n`
    : `        run: |\n${indent(step.run, "          ")}`;
  return `      - name: ${step.name}\n${env}${run}`;
}

/** The steps both jobs start with: the sources and the Deno the project was made with. */
function setup(denoVersion: string): string {
  return `      - uses: ${ACTIONS.checkout}
        with:
          persist-credentials: false
      - uses: ${ACTIONS.setupDeno}
        with:
          deno-version: ${denoVersion}`;
}

/** `.github/workflows/ci.yml`. `denoVersion`: the Deno to run (default: the one running `init`). */
export function ciWorkflow(p: TemplateParams, denoVersion: string = Deno.version.deno): string {
  return `# CI for waypoint-plugin-${p.name}, made by @x/waypoint-plugin init ${p.version}.
# Every push and pull request: deno task ok (fmt, lint, type check, proto drift, tests)${
    hasE2e(p) ? ",\n# then deno task e2e through the real Waypoint CLI" : ""
  }.
# A tag v<version> (deno.json's version): deno task compile for every target, then a GitHub
# release with the zips and SHA256SUMS.
name: ci

on:
  push:
    branches: ["**"]
    tags: ["v*"]
  pull_request:

permissions:
  contents: read

jobs:
  ok:
    runs-on: ubuntu-latest
    steps:
${setup(denoVersion)}
      - run: deno task ok
${hasE2e(p) ? e2eJob(denoVersion) : ""}
  release:
    if: startsWith(github.ref, 'refs/tags/v')
    needs: ok
    runs-on: ubuntu-latest
    permissions:
      contents: write # to create the release
    steps:
${setup(denoVersion)}
${releaseSteps(p).map(stepYaml).join("")}`;
}

/** `.github/dependabot.yml`: keeps the pinned actions current. */
export const DEPENDABOT: string = `version: 2
updates:
  - package-ecosystem: github-actions
    directory: /
    schedule:
      interval: weekly
`;
