/**
 * Operations in flight, so that stopping the plugin (Shutdown, SIGTERM, the
 * host going away) aborts them: their `ctx.signal` fires, and child
 * processes started with it (`go build` …) are killed instead of orphaned.
 */
const running = new Map<AbortController, Promise<unknown>>();

/** Tracks `controller` until `done` settles. */
export function track(controller: AbortController, done: Promise<unknown>): void {
  running.set(controller, done);
  done.finally(() => running.delete(controller)).catch(() => {});
}

/** Aborts every operation in flight and waits (at most `ms`) for them to finish. */
export async function abortAll(reason: string, ms: number): Promise<void> {
  if (running.size === 0) return;
  const waits = [...running].map(([c, done]) => {
    c.abort(new DOMException(reason, "AbortError"));
    return done.catch(() => {});
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    Promise.all(waits),
    new Promise((r) => timer = setTimeout(r, ms)),
  ]);
  clearTimeout(timer);
}
