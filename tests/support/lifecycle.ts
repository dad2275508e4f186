/**
 * A hello-app project for `wphost lifecycle` (the localdeploy example's web
 * app, gobuilder and localdeploy as its plugins) and the checks every
 * lifecycle run ends with: shared by the lifecycle tests of the source
 * launchers and of the bundles compiled plugins embed.
 */
import { assertEquals } from "./assert.ts";
import { join } from "./path.ts";
import { type HostRun, makeLauncher, REPO, runHost, tempDir } from "./host.ts";
import { processesIn } from "./processes.ts";

/** A project folder, its private TMPDIR and wphost's `-plugin` arguments. */
export interface Project {
  dir: string;
  tmp: string;
  plugins: string[];
}

/** Writes the executable `waypoint-plugin-<name>` in `dir`; returns its path. */
export type Launch = (dir: string, name: string) => Promise<string>;

/** The localdeploy example's own waypoint.hcl: gobuilder, then localdeploy as registry, platform and release manager. */
export const WITH_REGISTRY_AND_RELEASE: string = await Deno.readTextFile(
  join(REPO, "examples", "localdeploy", "waypoint.hcl"),
);

/** gobuilder, then localdeploy as the platform only. */
export const BUILD_AND_DEPLOY_ONLY = `project = "hello"

app "hello" {
  build {
    use "gobuilder" {
      source = "./app"
    }
  }
  deploy {
    use "localdeploy" {}
  }
}
`;

/** Each example plugin's source through a `deno run` launcher. */
function fromSource(dir: string, name: string): Promise<string> {
  return makeLauncher(dir, name, join(REPO, "examples", name, "main.ts"));
}

/** The localdeploy example's web app (gobuilder builds it; localdeploy runs it), plugins from `launch`. */
export async function project(hcl: string, launch: Launch = fromSource): Promise<Project> {
  const dir = await tempDir("life-");
  const tmp = join(dir, "tmp");
  await Deno.mkdir(tmp);
  await Deno.mkdir(join(dir, "app"));
  for (const f of ["main.go", "go.mod"]) {
    await Deno.copyFile(join(REPO, "examples", "localdeploy", "app", f), join(dir, "app", f));
  }
  await Deno.writeTextFile(join(dir, "waypoint.hcl"), hcl);
  const plugins = [];
  for (const name of ["gobuilder", "localdeploy"]) {
    plugins.push("-plugin", `${name}=${await launch(dir, name)}`);
  }
  return { dir, tmp, plugins };
}

/** `wphost lifecycle` over `steps` of the project. */
export function lifecycle(p: Project, steps: string, ...extra: string[]): Promise<HostRun> {
  return runHost(
    [
      "lifecycle",
      "-config",
      join(p.dir, "waypoint.hcl"),
      ...p.plugins,
      "-steps",
      steps,
      "-ui",
      "plain",
      ...extra,
    ],
    // A private TMPDIR: whatever sockets are left behind show up here.
    { cwd: p.dir, env: { TMPDIR: p.tmp } },
  );
}

/** Every step of Waypoint core's lifecycle, in its order. */
export const ALL_STEPS = "build,push,deploy,release,status,exec,logs,destroy";

/** wphost's exec arguments: run `sh -c <script>` in the deployment with `input` on its stdin. */
export function execArgs(script: string, input: string): string[] {
  return ["-exec-arg", "sh", "-exec-arg", "-c", "-exec-arg", script, "-exec-input", input];
}

/** wphost's JSON report. */
// deno-lint-ignore no-explicit-any
export type Report = any;

/** Every plugin process exited on Shutdown, unforced, and its socket was gone. */
export function assertAllShutDownCleanly(report: Report): void {
  for (const proc of report.processes) {
    assertEquals(
      [proc.role, proc.exited, proc.forced, proc.socketRemovedAfterKill],
      [proc.role, true, false, true],
    );
  }
}

/** The names in `dir`. */
export async function leftovers(dir: string): Promise<string[]> {
  const out = [];
  for await (const e of Deno.readDir(dir)) out.push(e.name);
  return out;
}

/**
 * Runs `f`, then fails if a process (a deployed app) is still running in the
 * project, stopping it so a failed test leaves nothing behind.
 */
export async function leavesNothingRunning(p: Project, f: () => Promise<void>): Promise<void> {
  try {
    await f();
  } finally {
    const left = await processesIn(p.dir);
    for (const l of left) {
      try {
        Deno.kill(-Number(l.split(" ")[1].replace(":", "")), "SIGKILL");
      } catch {
        // gone
      }
    }
    assertEquals(left, [], "processes left running in the project");
  }
}

/** `wphost task` arguments for a task that prints an env var and exits 3, as Waypoint's ODR launches one. */
export function taskArgs(plugin: string): string[] {
  return [
    "task",
    "-plugin",
    plugin,
    "-oci-url",
    "docker.io/library/busybox:latest",
    "-entrypoint",
    "/bin/sh",
    "-arg",
    "-c",
    "-arg",
    "echo task says $GREETING; exit 3",
    "-env",
    "GREETING=hello",
    "-ui",
    "plain",
  ];
}
