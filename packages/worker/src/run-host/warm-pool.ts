/**
 * What a host keeps warm between runs (a run's thread, with its backend loaded and its code
 * compiled): each waits up to `idleMs` for the next run with the same key, then is retired.
 * Nothing in it keeps the process alive (its timers are unref'd).
 */
export interface WarmPool<Side> {
  /** A warm side for this key, taken out of the pool; undefined when there is none. */
  take(key: string): Side | undefined;
  /** Keeps `side` for the next run with this key, for up to idleMs; then `retire` ends it. */
  keep(side: Side, key: string): void;
  /** Takes `side` out without retiring it (it ended by itself). */
  forget(side: Side): void;
  /** Empties the pool (its timers cleared) and returns what it held, for the caller to end. */
  drain(): Side[];
}

export function warmPool<Side>(options: {
  readonly idleMs: number;
  readonly retire: (side: Side) => void;
}): WarmPool<Side> {
  const idle = new Map<Side, { readonly key: string; readonly timer: NodeJS.Timeout }>();
  const forget = (side: Side) => {
    const entry = idle.get(side);
    if (entry === undefined) return;
    clearTimeout(entry.timer);
    idle.delete(side);
  };
  return {
    take(key) {
      for (const [side, entry] of idle) {
        if (entry.key !== key) continue;
        forget(side);
        return side;
      }
      return undefined;
    },
    keep(side, key) {
      forget(side);
      const timer = setTimeout(() => {
        idle.delete(side);
        options.retire(side);
      }, options.idleMs);
      timer.unref();
      idle.set(side, { key, timer });
    },
    forget,
    drain() {
      const sides = [...idle.keys()];
      for (const side of sides) forget(side);
      return sides;
    },
  };
}
