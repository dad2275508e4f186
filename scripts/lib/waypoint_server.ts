/**
 * A `waypoint server run` of one test's own: free 127.0.0.1 ports, the URL
 * service off, its database and HOME in the test's temp dir, and the tool
 * caches (Deno's, Go's) that a HOME of its own would hide.
 *
 * @module
 */
import { join } from "./path.ts";
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
    const out = await new Deno.Command("go", {
      args: ["env", "-json", "GOCACHE", "GOMODCACHE", "GOPATH", "GOENV"],
    }).output();
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
  /** Whether the process has exited. */
  exited(): boolean;
}

/** Starts `bin server run` in `root`; see {@linkcode waitForServer}. */
export function spawnServer(bin: string, root: string, env: Record<string, string>): Server {
  const grpc = freePort();
  let http = freePort();
  while (http === grpc) http = freePort();
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
  return { process, log, addr: `127.0.0.1:${grpc}`, grpcPort: grpc, exited: () => exited };
}

/** Waits up to 60 s until the server listens; throws with its output when it exits first or does not. */
export async function waitForServer(server: Server): Promise<void> {
  const deadline = performance.now() + 60_000;
  while (!(await canConnect(server.grpcPort))) {
    if (server.exited()) {
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
