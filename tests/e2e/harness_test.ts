/**
 * The authors' real-Waypoint harness (startWaypoint of @x/waypoint-plugin/testing) when it is
 * used wrongly: no CLI, a CLI of another version, a port in use, a plugin that never prints its
 * handshake, a waypoint.hcl Waypoint refuses, a command that hangs. Each fails with a message
 * naming what was wrong, and nothing is left running or on disk afterwards.
 */
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../support/assert.ts";
import { join } from "../support/path.ts";
import { REPO } from "../support/host.ts";
import { PortInUse, startWaypoint } from "../../src/testing/mod.ts";
import { waypointBinary } from "../../scripts/waypoint_cli.ts";
import { processesIn } from "../support/processes.ts";

const bin = await waypointBinary();
const TMP = Deno.env.get("TMPDIR") ?? "/tmp";

/** The harness's temp dirs now in TMPDIR. */
async function runDirs(): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(TMP)) if (e.name.startsWith("waypoint-e2e-")) out.push(e.name);
  return out.sort();
}

/** Runs `f` with environment variables set (or deleted, for undefined), then restores them. */
async function withEnv(vars: Record<string, string | undefined>, f: () => Promise<void>) {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, Deno.env.get(k)]));
  const set = (v: Record<string, string | undefined>) => {
    for (const [k, x] of Object.entries(v)) {
      x === undefined ? Deno.env.delete(k) : Deno.env.set(k, x);
    }
  };
  set(vars);
  try {
    await f();
  } finally {
    set(before);
  }
}

const HCL = `project = "harness"

app "web" {
  build {
    use "gobuilder" {
      output_name = "app"
      source      = "./app"
    }
  }

  deploy {
    use "localdeploy" {}
  }
}
`;

Deno.test("without a Waypoint CLI, startWaypoint says how to get one", async () => {
  await withEnv({ WAYPOINT_BIN: undefined, PATH: "/usr/bin:/bin" }, async () => {
    const err = await assertRejects(() => startWaypoint(), Error, "No Waypoint CLI found");
    assertStringIncludes(err.message, "deno run -A jsr:@x/waypoint-plugin/waypoint-cli");
    assertStringIncludes(err.message, "WAYPOINT_BIN");
  });
  await withEnv({ WAYPOINT_BIN: "/nonexistent/waypoint" }, async () => {
    await assertRejects(
      () => startWaypoint(),
      Error,
      'WAYPOINT_BIN="/nonexistent/waypoint" cannot be run',
    );
  });
});

Deno.test("a CLI of another Waypoint version is refused, naming the version", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const fake = join(dir, "waypoint");
    await Deno.writeTextFile(fake, '#!/bin/sh\necho "CLI: v0.12.1 (deadbeef)"\n', { mode: 0o755 });
    await assertRejects(
      () => startWaypoint({ bin: fake }),
      Error,
      `startWaypoint({ bin: "${fake}" }) is not Waypoint 0.11 ("CLI: v0.12.1 (deadbeef)")`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a server port in use fails the start with the port named, leaving nothing", async () => {
  const before = await runDirs();
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (taken.addr as Deno.NetAddr).port;
  try {
    const err = await assertRejects(() => startWaypoint({ bin, ports: { grpc: port } }), PortInUse);
    assertStringIncludes(err.message, `cannot listen on 127.0.0.1:${port}: the port is in use`);
  } finally {
    taken.close();
  }
  assertEquals(await runDirs(), before);
});

for (
  const [fixture, expected] of [
    ["silent_plugin.ts", "printed no go-plugin handshake line within 5 s"],
    ["chatty_plugin.ts", 'printed "hello from a plugin that forgot serve()" instead of its'],
    ["exiting_plugin.ts", "exited without printing its go-plugin handshake line"],
  ]
) {
  Deno.test(`a plugin that does not start is named with why: ${fixture}`, async () => {
    const before = await runDirs();
    const entry = join(REPO, "tests", "fixtures", "harness", fixture);
    let root = "";
    {
      await using wp = await startWaypoint({ bin, handshakeTimeoutMs: 5_000 });
      root = wp.root;
      const err = await assertRejects(() =>
        wp.project({
          hcl: HCL,
          plugins: [{ name: "gobuilder", entry, permissions: [], root: REPO }],
        })
      );
      assertStringIncludes((err as Error).message, `Plugin "gobuilder" (${entry}) ${expected}`);
      if (fixture !== "chatty_plugin.ts") {
        assertStringIncludes(
          (err as Error).message,
          fixture === "silent_plugin.ts"
            ? "starting, but never serving"
            : "cannot start: no configuration",
        );
      }
      assertEquals(await processesIn(join(root, "harness")), [], "the plugin checked still runs");
    }
    assertEquals(await runDirs(), before);
  });
}

Deno.test("a waypoint.hcl Waypoint refuses is reported with Waypoint's diagnostic", async () => {
  const before = await runDirs();
  {
    await using wp = await startWaypoint({ bin });
    const err = await assertRejects(() =>
      wp.project({ hcl: 'project = "bad"\n\napp "web" {\n  build {\n    use "x" {\n' })
    );
    assertStringIncludes((err as Error).message, 'The waypoint.hcl of project "bad" is not valid');
    assertStringIncludes((err as Error).message, "waypoint.hcl:6,1-1");
  }
  assertEquals(await runDirs(), before);
});

Deno.test("a command that hangs is interrupted at its timeout, named, with its output", async () => {
  const before = await runDirs();
  {
    await using wp = await startWaypoint({ bin });
    const app = join(REPO, "examples", "gobuilder", "app");
    const gobuilder = join(REPO, "examples", "gobuilder", "main.ts");
    const localdeploy = join(REPO, "examples", "localdeploy", "main.ts");
    const project = await wp.project({
      hcl: HCL,
      files: {
        "app/main.go": { from: join(app, "main.go") },
        "app/go.mod": { from: join(app, "go.mod") },
        // A `go` that never ends: the build hangs until the harness interrupts it.
        "fakebin/go": "#!/bin/sh\nexec sleep 300\n",
      },
      plugins: [
        { name: "gobuilder", entry: gobuilder, permissions: ["read=.", "run=go"], root: REPO },
        { name: "localdeploy", entry: localdeploy, permissions: ["read=.", "write=."], root: REPO },
      ],
    });
    await Deno.chmod(join(project.dir, "fakebin", "go"), 0o755);
    const err = await assertRejects(() =>
      project.run(
        {
          timeoutMs: 4_000,
          env: { PATH: `${join(project.dir, "fakebin")}:${Deno.env.get("PATH")}` },
        },
        "build",
      )
    );
    const msg = (err as Error).message;
    assertStringIncludes(
      msg,
      "waypoint build -plain -vv -local=true did not end within 4 s; interrupted",
    );
    assertStringIncludes(msg, "Building application");
    assert((await project.jobs()).every((j) => j.state === "SUCCESS" || j.state === "ERROR"));
  }
  assertEquals(await runDirs(), before);
});
