/**
 * Wakes waiting subscribers when this process appends. A version counter, read before a page
 * is fetched, closes the race between "page was empty" and "an append happened meanwhile".
 */
export class AppendNotifier {
  private currentVersion = 0;
  private readonly waiters = new Set<() => void>();

  get version(): number {
    return this.currentVersion;
  }

  notify(): void {
    this.currentVersion++;
    for (const wake of [...this.waiters]) wake();
  }

  /** Resolves once the version moved past `seen`, the timeout passed, or the signal aborted. */
  waitForChange(seen: number, timeoutMs: number | undefined, signal: AbortSignal): Promise<void> {
    if (this.currentVersion !== seen || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        if (timer !== undefined) clearTimeout(timer);
        resolve();
      };
      this.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
      if (timeoutMs !== undefined) timer = setTimeout(done, timeoutMs);
    });
  }
}
