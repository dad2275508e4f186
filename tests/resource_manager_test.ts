import { assertEquals, assertRejects } from "./support/assert.ts";
import { defineResources } from "../mod.ts";
import { ResourceTracker } from "../src/internal/resources.ts";

Deno.test("createAll declares in order; destroyAll destroys in reverse; statusAll reports each", async () => {
  const log: string[] = [];
  const resources = defineResources<{ id: string }>()({
    dir: {
      type: "directory",
      platform: "local",
      create: (ctx) => {
        log.push("create dir");
        return { path: `/srv/${ctx.id}` };
      },
      destroy: () => void log.push("destroy dir"),
      status: () => ({ health: "ready" }),
    },
    proc: {
      type: "process",
      category: "instance",
      create: () => {
        log.push("create proc");
        return { pid: 7 };
      },
      destroy: () => void log.push("destroy proc"),
    },
  });
  const tracker = new ResourceTracker();
  const ctx = { id: "d1", resources: tracker };
  const states = await resources.createAll(ctx);
  assertEquals(states, { dir: { path: "/srv/d1" }, proc: { pid: 7 } });
  assertEquals(tracker.declared.map((r) => [r.name, r.type, r.stateJson]), [
    ["dir", "directory", '{"path":"/srv/d1"}'],
    ["proc", "process", '{"pid":7}'],
  ]);
  assertEquals((await resources.statusAll(ctx, states)).map((s) => [s.name, s.health]), [
    ["dir", "ready"],
    ["proc", "unknown"],
  ]);
  await resources.destroyAll(ctx, states);
  assertEquals(log, ["create dir", "create proc", "destroy proc", "destroy dir"]);
  assertEquals(tracker.destroyed.map((r) => r.name), ["proc", "dir"]);
});

Deno.test("a failed create rolls back what was created and says so", async () => {
  const destroyed: string[] = [];
  const resources = defineResources<Record<never, never>>()({
    a: { create: () => 1, destroy: () => void destroyed.push("a") },
    b: {
      create: () => {
        throw new Error("disk full");
      },
    },
  });
  const tracker = new ResourceTracker();
  await assertRejects(
    () => resources.createAll({ resources: tracker }),
    Error,
    'creating resource "b" failed: disk full; the resources created before it were destroyed',
  );
  assertEquals(destroyed, ["a"]);
  assertEquals(tracker.destroyed.map((r) => r.name), ["a"]);
});
