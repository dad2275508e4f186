/**
 * The localdeploy example through the real Waypoint v0.11.4 CLI, as a user
 * runs it: `waypoint init`, `up` (gobuilder builds the bundled web app,
 * localdeploy pushes, deploys and releases it), a request to the URL it
 * printed, `status`, `logs`, `exec`, a second `up`, and `destroy`.
 */
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { join } from "../support/path.ts";
import { REPO } from "../support/host.ts";
import { StreamStall, Waypoint, waypointTest } from "./waypoint.ts";
import { alive, processesIn } from "../support/processes.ts";
import { httpGet } from "../support/http_get.ts";

const EXAMPLE = join(REPO, "examples", "localdeploy");

/** A project holding the localdeploy example (its waypoint.hcl and app/), plugins installed. */
async function localdeployProject(
  wp: Waypoint,
  app = join(EXAMPLE, "app"),
  hcl?: string,
): Promise<string> {
  const dir = await wp.project("hello", {
    "waypoint.hcl": hcl ?? await Deno.readTextFile(join(EXAMPLE, "waypoint.hcl")),
    "app/main.go": { from: join(app, "main.go") },
    "app/go.mod": { from: join(app, "go.mod") },
  });
  await wp.installPlugin(dir, "gobuilder");
  await wp.installPlugin(dir, "localdeploy");
  return dir;
}

/** The lines of `text` that match, in order; fails naming the first that is missing. */
function inOrder(text: string, patterns: (string | RegExp)[]): RegExpMatchArray[] {
  const found = [];
  let from = 0;
  for (const p of patterns) {
    const re = typeof p === "string"
      ? new RegExp(p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      : new RegExp(p.source, p.flags.replace("g", ""));
    const m = text.slice(from).match(re);
    assert(m, `expected ${re} after offset ${from} in:\n${text}`);
    found.push(m);
    from += m.index! + m[0].length;
  }
  return found;
}

waypointTest(
  "waypoint up deploys the web app with localdeploy; status, logs, exec and destroy work on it",
  async (t) => {
    await using wp = await Waypoint.start();
    const dir = await localdeployProject(wp);
    // A command that only reads (status) and meets Waypoint's GetJobStream stall is run once
    // more in place: retrying the whole test would not undo the failed step Deno has recorded.
    const run = async (args: string[], stdin?: string) => {
      try {
        return await wp.run(args, { cwd: dir, stdin });
      } catch (err) {
        if (!(err instanceof StreamStall) || args[0] !== "status") throw err;
        console.error(
          `warning: ${err.message.split("\n")[0]}; running it once more (it only reads)`,
        );
        return await wp.run(args, { cwd: dir, stdin });
      }
    };

    const init = await run(["init", "-plain"]);
    assertEquals(init.code, 0, init.output);
    assertStringIncludes(
      init.output,
      'Project "hello" and all apps are registered with the server.',
    );

    let first = { id: "", pid: 0, url: "" };
    await t.step(
      "up: build, push, deploy and release; the URL it prints serves the app",
      async () => {
        const up = await run(["up", "-plain", "-local=true"]);
        assertEquals(up.code, 0, up.output);
        const m = inOrder(up.output, [
          "-> Running build v1",
          " +: Application built successfully",
          "-> Running push build v1",
          / \+: Pushed to \.waypoint\/registry\/hello-[0-9a-f]{12}\n/,
          "-> Running deploy v1",
          / \+: Started (\w+) \(pid (\d+)\): it answers at (http:\/\/127\.0\.0\.1:\d+)\n/,
          "-> Running release v1",
          /Released (\w+) at \.waypoint\/deployments\/current → (\S+)\n/,
          / {3}Release URL: (\S+)\n/,
          // Waypoint 0.11.4's `up` puts "https://" before every deployment URL, scheme or not.
          /Deployment URL: https:\/\/(\S+)\n/,
        ]);
        first = { id: m[5][1], pid: Number(m[5][2]), url: m[5][3] };
        assertEquals([m[7][1], m[7][2]], [first.id, first.url]);
        assertEquals(m[8][1], first.url);
        assertEquals(m[9][1], first.url);

        // The app outlived the plugin that started it, and serves the page.
        assert(alive(first.pid), `the app (pid ${first.pid}) is not running after up`);
        const page = await httpGet(`${first.url}/from-the-test`);
        assertEquals(page, { status: 200, body: `Hello Waypoint from deployment ${first.id}\n` });
        // It runs in its deployment's directory; the release link points there.
        const deployment = join(dir, ".waypoint", "deployments", first.id);
        assertEquals(await Deno.readLink(`/proc/${first.pid}/cwd`), deployment);
        assertEquals(
          await Deno.realPath(join(dir, ".waypoint", "deployments", "current")),
          deployment,
        );
      },
    );

    await t.step("status: the resources the plugin reports, all ready", async () => {
      const st = await run(["status", "-plain", "-app", "hello"]);
      assertEquals(st.code, 0, st.output);
      inOrder(st.output, [
        /hello\s+default\s+✔ READY\s+.*✔ READY/,
        "» Deployment Resources Summary",
        /file\s+binary\s+local\s+READY/,
        /process\s+process\s+local\s+READY/,
        "» Release Resources Summary",
        /symlink\s+current\s+local\s+READY/,
      ]);
    });

    await t.step("logs: the app's output, including the request the test made", async () => {
      const logs = wp.spawn(["logs", "-plain"], { cwd: dir });
      const text = await logs.waitFor((o) => o.includes("GET /from-the-test"), 60_000);
      logs.interrupt();
      await logs.result();
      const port = new URL(first.url).port;
      inOrder(text, [`listening on http://127.0.0.1:${port}`, "GET /from-the-test"]);
    });

    await t.step(
      "exec: runs in the deployment's directory with its environment, stdin and exit code",
      async () => {
        const ex = await run(
          [
            "exec",
            "-plain",
            "sh",
            "-c",
            'cat; pwd; echo "PORT=$PORT ID=$WAYPOINT_DEPLOYMENT_ID"; env | grep -c "^PLUGIN_\\|^WAYPOINT_PLUGIN="; exit 3',
          ],
          "hello from stdin\n",
        );
        assertEquals(ex.code, 3, ex.output);
        assertEquals(
          ex.stdout,
          `hello from stdin\n${join(dir, ".waypoint", "deployments", first.id)}\n` +
            `PORT=${new URL(first.url).port} ID=${first.id}\n0\n`,
        );
      },
    );

    let second = { id: "", pid: 0, url: "" };
    await t.step("a second up runs beside the first; the release moves to it", async () => {
      const up = await run(["up", "-plain", "-local=true"]);
      assertEquals(up.code, 0, up.output);
      const m = inOrder(up.output, [
        "-> Running deploy v2",
        / \+: Started (\w+) \(pid (\d+)\): it answers at (http:\/\/127\.0\.0\.1:\d+)\n/,
        "-> Running release v2",
        / {3}Release URL: (\S+)\n/,
      ]);
      second = { id: m[1][1], pid: Number(m[1][2]), url: m[1][3] };
      assertEquals(m[3][1], second.url);
      assert(second.url !== first.url, "the second deployment reused the first one's port");
      assertEquals(
        (await httpGet(second.url)).body,
        `Hello Waypoint from deployment ${second.id}\n`,
      );
      assertEquals((await httpGet(first.url)).body, `Hello Waypoint from deployment ${first.id}\n`);
      assertEquals(
        await Deno.realPath(join(dir, ".waypoint", "deployments", "current")),
        join(dir, ".waypoint", "deployments", second.id),
      );
    });

    await t.step("status -refresh: a stopped app is reported down", async () => {
      Deno.kill(second.pid, "SIGKILL");
      for (let i = 0; i < 100 && alive(second.pid); i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      const st = await run(["status", "-plain", "-app", "hello", "-refresh"]);
      assertEquals(st.code, 0, st.output);
      inOrder(st.output, [
        /hello\s+default\s+✖ DOWN\s+.*✖ DOWN/,
        /file\s+binary\s+local\s+READY/,
        /process\s+process\s+local\s+DOWN/,
      ]);
    });

    await t.step("destroy: every deployment stopped, every file removed", async () => {
      const d = await run(["destroy", "-plain", "-auto-approve"]);
      assertEquals(d.code, 0, d.output);
      inOrder(d.output, [
        "-> Running release destroy v2",
        "-> Running release destroy v1",
        "-> Running deployment destroy v2",
        `Stopped ${second.id} (pid ${second.pid})`,
        "-> Running deployment destroy v1",
        `Stopped ${first.id} (pid ${first.pid})`,
        "Removed .waypoint/deployments",
        "Destroy successful!",
      ]);
      assertEquals(alive(first.pid), false, `the first app (pid ${first.pid}) still runs`);
      assertEquals(await processesIn(join(dir, ".waypoint")), []);
      let gone = false;
      await Deno.stat(join(dir, ".waypoint", "deployments")).catch(() => gone = true);
      assert(gone, ".waypoint/deployments is still there");
    });
  },
);

waypointTest(
  "a deploy whose app does not serve fails with the app's output and leaves nothing running",
  async () => {
    await using wp = await Waypoint.start();
    // The tutorial's hello app prints a line and exits: not a web app.
    const dir = await localdeployProject(wp, join(REPO, "examples", "gobuilder", "app"));
    assertEquals((await wp.run(["init", "-plain"], { cwd: dir })).code, 0);
    const up = await wp.run(["up", "-plain", "-local=true"], { cwd: dir });
    assertEquals(up.code, 1, up.output);
    // The CLI wraps long lines at 80 columns, even with -plain.
    const [, failed, error] = inOrder(up.output.replace(/\s+/g, " "), [
      "-> Running deploy v1",
      /Deploy of (\w+) failed; nothing was left running/,
      /! creating resource "process" failed: the app exited with code 0 before it answered at http:\/\/127\.0\.0\.1:(\d+); localdeploy runs web apps, which must listen on 127\.0\.0\.1:\$PORT \(PORT=(\d+) here\)\. The app's last output: "Hello Waypoint"; the resources created before it were destroyed/,
    ]);
    assertEquals(error[1], error[2]);
    assertEquals(await processesIn(join(dir, ".waypoint")), []);
    const left = [];
    for await (const e of Deno.readDir(join(dir, ".waypoint", "deployments"))) left.push(e.name);
    assertEquals(left, [], `deployment ${failed[1]} left files`);
  },
);
