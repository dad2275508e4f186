/**
 * The operations one server has in flight, so that stopping it (Shutdown,
 * SIGTERM, the host going away) aborts them: their `ctx.signal` fires, and
 * child processes started with it (`go build` …) are killed instead of
 * orphaned. Each server has its own: stopping one never touches another's.
 */
export class Inflight {
  #running = new Map<AbortController, Promise<unknown>>();

  /** Tracks `controller` until `done` settles. */
  track(controller: AbortController, done: Promise<unknown>): void {
    this.#running.set(controller, done);
    done.finally(() => this.#running.delete(controller)).catch(() => {});
  }

  /** Aborts every operation in flight and waits (at most `ms`) for them to finish. */
  async abortAll(reason: string, ms: number): Promise<void> {
    if (this.#running.size === 0) return;
    const waits = [...this.#running].map(([c, done]) => {
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
}
