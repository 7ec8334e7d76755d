/** Default time between two training checkpoints of a run (a worker setting: --checkpoint-minutes). */
export const DEFAULT_CHECKPOINT_MINUTES = 5;

/**
 * When training stores a checkpoint: at the end of an epoch, once `minutes` have passed since the
 * last one (or since training started), so every epoch or every N minutes, whichever is rarer.
 * 0 stores one at every epoch. The last epoch never needs one: the trained model is stored instead.
 */
export class CheckpointSchedule {
  private last: number;
  private readonly intervalMs: number;
  private readonly now: () => number;

  constructor(minutes: number, now: () => number = Date.now) {
    if (!(minutes >= 0 && Number.isFinite(minutes))) {
      throw new RangeError(`checkpoint minutes must be 0 or more, got ${minutes}`);
    }
    this.intervalMs = minutes * 60_000;
    this.now = now;
    this.last = now();
  }

  /** True when the epoch that just ended (of `epochs`) should be stored. */
  due(epoch: number, epochs: number): boolean {
    return epoch < epochs && this.now() - this.last >= this.intervalMs;
  }

  /** A checkpoint was stored: the next interval starts now. */
  stored(): void {
    this.last = this.now();
  }
}
