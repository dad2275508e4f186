/**
 * The deployed app as a process of its own: started in the background so it
 * outlives the plugin (Waypoint stops a plugin process after each
 * operation), given a free loopback port in `PORT`, checked by asking it for
 * a page, and stopped with its whole process group.
 */
import { join, resolve } from "node:path";

/** A free TCP port on 127.0.0.1, as the OS hands it out. */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = l.addr as Deno.NetAddr;
  l.close();
  return port;
}

/**
 * The environment the app runs with (before `PORT`): this process's own
 * (PATH, HOME, …) without the variables of the plugin protocol — the magic
 * cookie and go-plugin's `PLUGIN_*` — then Waypoint's deployment variables
 * and the `env` of the config.
 */
export function appEnv(
  deployment: Record<string, string>,
  extra: Record<string, string>,
): Record<string, string> {
  const own = Object.entries(Deno.env.toObject()).filter(([k]) =>
    k !== "WAYPOINT_PLUGIN" && !k.startsWith("PLUGIN_")
  );
  return { ...Object.fromEntries(own), ...deployment, ...extra };
}

/**
 * Whether something answers HTTP on the port: a raw `GET /` over TCP (no
 * proxy settings, no pooled connection), true on any status line.
 */
export async function answers(port: number, timeoutMs = 1000): Promise<boolean> {
  let conn: Deno.TcpConn | undefined;
  const timer = setTimeout(() => conn?.close(), timeoutMs);
  try {
    conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await conn.write(
      new TextEncoder().encode(`GET / HTTP/1.0\r\nHost: 127.0.0.1:${port}\r\n\r\n`),
    );
    const buf = new Uint8Array(16);
    const n = await conn.read(buf);
    return n !== null && /^HTTP\/1\.[01] \d/.test(new TextDecoder().decode(buf.subarray(0, n)));
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    try {
      conn?.close();
    } catch {
      // closed by the timer
    }
  }
}

/** Whether a process group led by `pid` exists (the app leads its own: it was started detached). */
function groupAlive(pid: number): boolean {
  try {
    Deno.kill(-pid, "SIGCONT"); // harmless to a running process; fails when the group is gone
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether `pid` is still the app started from `binary`: it leads a process
 * group, and `ps` (when there is one) shows it running that binary, so a recycled pid is never taken for the app. (Deno grants
 * `/proc/<pid>` only with --allow-all, which a plugin should not need.)
 */
export async function isApp(pid: number, binary: string): Promise<boolean> {
  if (!(pid > 0) || !groupAlive(pid)) return false;
  let out;
  try {
    out = await new Deno.Command("ps", {
      args: ["-o", "args=", "-p", String(pid)],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
  } catch {
    return true; // no ps here: the process group is all there is to go on
  }
  return out.success &&
    new TextDecoder().decode(out.stdout).trim().startsWith(resolve(binary));
}

/** The last lines of the app's output, for error messages ("" when there is none). */
export async function tail(logFile: string, lines = 5): Promise<string> {
  try {
    return (await Deno.readTextFile(logFile)).trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

/** A started app. */
export interface Started {
  pid: number;
  /** Resolves with the exit code if the app ends while this plugin still runs. */
  exited: Promise<number>;
}

/**
 * Starts `binary` in `directory`, in a session of its own (so neither the
 * plugin's exit nor a Ctrl-C in Waypoint's terminal reaches it), with its
 * stdout and stderr appended to `logFile`.
 */
export function startApp(
  binary: string,
  directory: string,
  logFile: string,
  env: Record<string, string>,
): Started {
  // The shell only redirects, then execs: the pid is the app's.
  const child = new Deno.Command("/bin/sh", {
    args: ["-c", 'exec "$0" >>"$1" 2>&1', resolve(binary), resolve(logFile)],
    cwd: directory,
    env,
    clearEnv: true,
    detached: true,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  child.unref();
  return { pid: child.pid, exited: child.status.then((s) => s.code) };
}

/**
 * Waits until the app answers on `port`. Throws when it exits first, when
 * `timeoutMs` passes, or when `signal` aborts; the caller stops it.
 */
export async function waitUntilAnswering(
  app: Started,
  port: number,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<void> {
  let exit: number | undefined;
  app.exited.then((code) => exit = code, () => {});
  const deadline = performance.now() + timeoutMs;
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (await answers(port)) return;
    signal.throwIfAborted();
    if (exit !== undefined) {
      throw new Error(`the app exited with code ${exit} before it answered at ${url}`);
    }
    if (performance.now() > deadline) {
      throw new Error(`the app did not answer at ${url} within ${timeoutMs / 1000} s`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Stops the app and everything it started: SIGTERM to its process group,
 * then SIGKILL if it is still there after `graceMs`. Does nothing when the
 * app is already gone.
 */
export async function stopApp(pid: number, binary: string, graceMs = 5000): Promise<void> {
  if (!(await isApp(pid, binary))) return;
  const signal = (sig: Deno.Signal) => {
    try {
      Deno.kill(-pid, sig);
    } catch {
      // already gone
    }
  };
  signal("SIGTERM");
  const deadline = performance.now() + graceMs;
  while (performance.now() < deadline) {
    if (!groupAlive(pid) || await onlyZombies(pid)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  signal("SIGKILL");
}

/**
 * Whether every process of the app's session has exited and only waits to
 * be reaped. The app was started detached, so once this plugin is gone it
 * is init's child, and an init reaps late (1-2 s under some, never in a
 * container without one): until then its zombie keeps the group "alive"
 * to kill(2). `ps` lists the session's processes with their state.
 */
async function onlyZombies(pid: number): Promise<boolean> {
  let out;
  try {
    out = await new Deno.Command("ps", {
      args: ["-o", "stat=", "-s", String(pid)],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
  } catch {
    return false; // no ps here: the process group is all there is to go on
  }
  const states = new TextDecoder().decode(out.stdout).split("\n").map((l) => l.trim())
    .filter(Boolean);
  return states.every((s) => s.startsWith("Z"));
}

/** The environment file of a deployment (kept private: it holds Waypoint's invite token). */
export function envFile(directory: string): string {
  return join(directory, "env.json");
}
