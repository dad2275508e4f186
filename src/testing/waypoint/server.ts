/**
 * A `waypoint server run` of one test's own: free 127.0.0.1 ports, the URL
 * service off, its database and HOME in the test's temp dir, and the tool
 * caches (Deno's, Go's) that a HOME of its own would hide.
 *
 * @module
 */
import { join } from "node:path";
import { sleep } from "./cli_process.ts";

const dec = new TextDecoder();

let denoDir: Promise<string> | undefined;
let goEnv: Promise<Record<string, string>> | undefined;

/**
 * The caches the plugins and `go build` need, which a HOME in a temp dir
 * would otherwise hide: Deno's (the launcher runs `deno run`; npm packages
 * are cached there) and Go's (a cold build cache would compile the standard
 * library inside the timed test).
 */
export async function toolCaches(): Promise<Record<string, string>> {
  denoDir ??= (async () => {
    const out = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"] }).output();
    return JSON.parse(dec.decode(out.stdout)).denoDir as string;
  })();
  goEnv ??= (async () => {
    let out;
    try {
      out = await new Deno.Command("go", {
        args: ["env", "-json", "GOCACHE", "GOMODCACHE", "GOPATH", "GOENV"],
      }).output();
    } catch (err) {
      // No Go here: a plugin that does not run it needs no Go caches.
      if (err instanceof Deno.errors.NotFound) return {};
      throw err;
    }
    if (!out.success) throw new Error(`go env failed: ${dec.decode(out.stderr)}`);
    return JSON.parse(dec.decode(out.stdout));
  })();
  return { DENO_DIR: await denoDir, ...(await goEnv) };
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function canConnect(port: number): Promise<boolean> {
  try {
    (await Deno.connect({ hostname: "127.0.0.1", port })).close();
    return true;
  } catch {
    return false;
  }
}

/** A server as started. */
export interface Server {
  process: Deno.ChildProcess;
  /** Everything it printed so far. */
  log: { text: string };
  /** `127.0.0.1:<port>` of its gRPC listener. */
  addr: string;
  /** The port of that listener. */
  grpcPort: number;
  /** The port of its HTTP listener. */
  httpPort: number;
  /** Whether the process has exited. */
  exited(): boolean;
}

/**
 * The server's two ports; either left out is a free one.
 *
 * @example Pin the gRPC port, let the HTTP one be free
 * ```ts
 * import assert from "node:assert";
 * import { type ServerPorts, startWaypoint } from "@x/waypoint-plugin/testing";
 * const ports: ServerPorts = { grpc: 19701 }; // http: a free port
 * Deno.test("the server listens where asked", async () => {
 *   await using wp = await startWaypoint({ ports });
 *   assert.equal(wp.addr, "127.0.0.1:19701");
 * });
 * ```
 */
export interface ServerPorts {
  /** The gRPC API the CLI and runners talk to. */
  grpc?: number;
  /** The HTTP API and UI. */
  http?: number;
}

/** Starts `bin server run` in `root`; see {@linkcode waitForServer}. */
export function spawnServer(
  bin: string,
  root: string,
  env: Record<string, string>,
  ports: ServerPorts = {},
): Server {
  const grpc = ports.grpc ?? freePort();
  let http = ports.http ?? freePort();
  while (http === grpc && ports.http === undefined) http = freePort();
  const process = new Deno.Command(bin, {
    args: [
      "server",
      "run",
      "-accept-tos",
      `-db=${join(root, "data.db")}`,
      `-listen-grpc=127.0.0.1:${grpc}`,
      `-listen-http=127.0.0.1:${http}`,
      "-url-enabled=false",
    ],
    cwd: root,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const log = { text: "" };
  for (const s of [process.stdout, process.stderr]) {
    (async () => {
      for await (const chunk of s.pipeThrough(new TextDecoderStream())) log.text += chunk;
    })().catch(() => {});
  }
  let exited = false;
  process.status.then(() => exited = true);
  return {
    process,
    log,
    addr: `127.0.0.1:${grpc}`,
    grpcPort: grpc,
    httpPort: http,
    exited: () => exited,
  };
}

/**
 * The server could not listen: one of its ports is taken.
 *
 * @example Say which port is taken
 * ```ts
 * import assert from "node:assert";
 * import { PortInUse, startWaypoint } from "@x/waypoint-plugin/testing";
 * const err = new PortInUse(19701, "listen tcp 127.0.0.1:19701: bind: address already in use");
 * assert.equal(err.port, 19701);
 * assert.match(err.message, /port is in use/);
 * Deno.test("a taken port is reported, not hung on", async () => {
 *   using taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 *   await assert.rejects(() => startWaypoint({ ports: { grpc: taken.addr.port } }), PortInUse);
 * });
 * ```
 */
export class PortInUse extends Error {
  /** `port` is the one taken; `log` what the server printed (or why it was not started). */
  constructor(readonly port: number, log: string) {
    super(
      `The Waypoint server cannot listen on 127.0.0.1:${port}: the port is in use. Stop what ` +
        `listens there (\`ss -ltnp 'sport = :${port}'\` shows it), or leave the port out of ` +
        `\`ports\` so a free one is taken. Server output:\n${log.trim()}`,
    );
    this.name = "PortInUse";
  }
}

/**
 * Waits up to 60 s until the server listens; throws with its output when it
 * exits first (a {@linkcode PortInUse} when a port was taken) or does not.
 */
export async function waitForServer(server: Server): Promise<void> {
  const deadline = performance.now() + 60_000;
  while (!(await canConnect(server.grpcPort))) {
    if (server.exited()) {
      await server.process.status;
      await sleep(50); // the last of its output
      const m = /listen tcp 127\.0\.0\.1:(\d+): bind: address already in use/.exec(
        server.log.text,
      );
      if (m) throw new PortInUse(Number(m[1]), server.log.text);
      throw new Error(`waypoint server run exited at start:\n${server.log.text}`);
    }
    if (performance.now() > deadline) {
      throw new Error(
        `waypoint server run did not listen on ${server.addr} within 60 s:\n${server.log.text}`,
      );
    }
    await sleep(100);
  }
}
