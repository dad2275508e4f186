/**
 * The tutorial's gobuilder through the real Waypoint v0.11.4 CLI: `waypoint
 * init` and `build` record the artifact and the binary runs; a config
 * mistake reaches the user as our message; Ctrl-C during a build stops
 * `go build` and every plugin process.
 */
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { join } from "../support/path.ts";
import { REPO } from "../support/host.ts";
import { Waypoint, waypointTest } from "./waypoint.ts";
import { alive, processesIn, processesLeftIn } from "../support/processes.ts";

/**
 * The tutorial's build block. Waypoint's CLI refuses a waypoint.hcl without
 * a deploy stanza ("'deploy' stanza required"), so localdeploy is named as
 * the platform; `waypoint build` does not run it.
 */
function hcl(source = "./app"): string {
  return `project = "hello"

app "hello" {
  build {
    use "gobuilder" {
      output_name = "app"
      source      = "${source}"
    }
  }

  deploy {
    use "localdeploy" {}
  }
}
`;
}

/** The fields of `waypoint artifact list -json` this test reads. */
interface Artifact {
  component: string;
  sequence: number;
  status: { state: string };
  build: { status: { state: string } };
}

async function helloProject(wp: Waypoint, source?: string): Promise<string> {
  const app = join(REPO, "examples", "gobuilder", "app");
  const dir = await wp.project("hello", {
    "waypoint.hcl": hcl(source),
    "app/main.go": { from: join(app, "main.go") },
    "app/go.mod": { from: join(app, "go.mod") },
  });
  await wp.installPlugin(dir, "gobuilder");
  await wp.installPlugin(dir, "localdeploy");
  const init = await wp.run(["init", "-plain"], { cwd: dir });
  assertEquals(init.code, 0, init.output);
  return dir;
}

waypointTest(
  "waypoint init and build: gobuilder builds the hello app, Waypoint records the artifact, the binary runs",
  async () => {
    await using wp = await Waypoint.start();
    const dir = await helloProject(wp);
    const build = await wp.run(["build", "-plain", "-local=true"], { cwd: dir });
    assertEquals(build.code, 0, build.output);
    const lines = build.output.split("\n");
    const at = (s: string) => lines.indexOf(s);
    for (
      const l of [
        "-> Running build v1",
        "Building application",
        " +: Application built successfully",
        "-> Running push build v1",
        "Created artifact v1",
      ]
    ) {
      assert(at(l) >= 0, `"${l}" missing from:\n${build.output}`);
    }
    assert(at("Building application") < at(" +: Application built successfully"));

    // The server recorded the build and its artifact.
    const list = await wp.run(["artifact", "list", "-json"], { cwd: dir });
    assertEquals(list.code, 0, list.output);
    const artifacts: Artifact[] = JSON.parse(list.stdout);
    assertEquals(
      artifacts.map((a) => [a.component, a.sequence, a.status.state, a.build.status.state]),
      [["gobuilder", 1, "SUCCESS", "SUCCESS"]],
    );

    const run = await new Deno.Command(join(dir, "app", "app"), { stdout: "piped" }).output();
    assertEquals(new TextDecoder().decode(run.stdout), "Hello Waypoint\n");
  },
);

waypointTest("a config mistake reaches the Waypoint user as the plugin's message", async () => {
  await using wp = await Waypoint.start();
  const dir = await helloProject(wp, "./nope");
  const build = await wp.run(["build", "-plain", "-local=true"], { cwd: dir });
  assertEquals(build.code, 1, build.output);
  // The CLI wraps lines at 80 columns.
  assertStringIncludes(
    build.output.replace(/\s+/g, " "),
    'rpc error: code = InvalidArgument desc = Cannot configure builder "gobuilder": field ' +
      '"source" must name an existing directory: "./nope" was not found; set `source` to the ' +
      "folder holding your Go sources",
  );
});

waypointTest(
  "Ctrl-C during a slow build kills go build, leaves no plugin process, and Waypoint says the operation was cancelled",
  async () => {
    await using wp = await Waypoint.start();
    const dir = await helloProject(wp);
    // A `go` that ignores SIGINT (as the terminal's Ctrl-C reaches the whole process group, only
    // the plugin's cancellation can stop it) and sleeps: a build that never ends by itself.
    const pidFile = join(dir, "go.pid");
    await wp.project("hello", {
      "fakebin/go": `#!/bin/sh\ntrap '' INT\necho $$ > "${pidFile}"\nexec sleep 120\n`,
    });
    await Deno.chmod(join(dir, "fakebin", "go"), 0o755);
    const build = wp.spawn(["build", "-plain", "-local=true"], {
      cwd: dir,
      env: { PATH: `${join(dir, "fakebin")}:${Deno.env.get("PATH")}` },
    });
    await build.waitFor((o) => o.includes("Building application"));
    let goPid = 0;
    for (let i = 0; i < 200 && !goPid; i++) {
      goPid = Number((await Deno.readTextFile(pidFile).catch(() => "")).trim());
      if (!goPid) await new Promise((r) => setTimeout(r, 50));
    }
    assert(goPid > 0, "the fake go build never started");
    // install --dev's launcher runs the cached bundle (…/gobuilder/main.js) or, when a rebuild
    // failed, the source (examples/gobuilder/main.ts).
    const plugins = (await processesIn(dir)).filter((p) => /gobuilder\/main\.(js|ts)/.test(p));
    assert(plugins.length > 0, "no gobuilder plugin process seen during the build");

    build.interrupt();
    const r = await build.result();
    assertEquals(r.code, 1, r.output);
    assertStringIncludes(r.output, "! operation canceled");
    assertEquals(alive(goPid), false, `go build (pid ${goPid}) is still running`);
    // Nothing of the build is left: no plugin, no go.
    assertEquals(await processesLeftIn(dir), []);
    const jobs = await wp.jobs(dir);
    assertEquals(jobs.find((j) => j.operation === "build")?.state, "ERROR");
  },
);
