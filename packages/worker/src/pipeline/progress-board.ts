import type { RunProgress, TrainingTracePoint } from "@deadweight/protocol";

/** The server keeps progress messages to 500 characters. */
const MAX_MESSAGE_LENGTH = 500;
/** The server takes at most this many trace points per heartbeat; older pending ones are dropped first. */
const MAX_TRACE_POINTS_PER_BEAT = 500;

/** What a run's pipeline writes its progress to (a ProgressBoard, or the messages of a run's process to one). */
export interface ProgressSink {
  set(progress: RunProgress): void;
  resumedAt(epoch: number | undefined): void;
}

/**
 * The latest progress of a run: the pipeline writes it as it goes, the heartbeat reads it at each
 * beat. Numbers that are not finite (a NaN loss) are left out rather than sent.
 */
export class ProgressBoard implements ProgressSink {
  private latest: RunProgress | undefined;
  private pendingTrace: TrainingTracePoint[] = [];
  private resumedAtEpoch: number | undefined;
  private readonly onStageChange: (stage: RunProgress["stage"]) => void;

  /** `onStageChange` is told when a new stage begins, so the news can go out before the next regular beat. */
  constructor(onStageChange: (stage: RunProgress["stage"]) => void = () => {}) {
    this.onStageChange = onStageChange;
  }

  set(progress: RunProgress): void {
    const stageChanged = this.latest?.stage !== progress.stage;
    const clean: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(progress)) {
      if (value === undefined || (typeof value === "number" && !Number.isFinite(value))) continue;
      clean[key] =
        typeof value === "string" && value.length > MAX_MESSAGE_LENGTH
          ? `${value.slice(0, MAX_MESSAGE_LENGTH - 1)}…`
          : value;
    }
    if (this.resumedAtEpoch !== undefined) clean.resumedAtEpoch = this.resumedAtEpoch;
    this.latest = clean as unknown as RunProgress;
    const { epoch, batch, loss, accuracy } = this.latest;
    if (
      progress.stage === "train" &&
      epoch !== undefined &&
      batch !== undefined &&
      loss !== undefined &&
      accuracy !== undefined
    ) {
      this.pendingTrace.push({ epoch, batch, loss, accuracy });
      if (this.pendingTrace.length > MAX_TRACE_POINTS_PER_BEAT) this.pendingTrace.shift();
    }
    if (stageChanged) this.onStageChange(progress.stage);
  }

  /**
   * Training goes on from a checkpoint at `epoch`: said in every later report of this attempt, so it
   * cannot be missed between two heartbeats. Undefined takes it back (the checkpoint was refused).
   */
  resumedAt(epoch: number | undefined): void {
    this.resumedAtEpoch = epoch;
    if (this.latest === undefined) return;
    const { resumedAtEpoch: _previous, ...rest } = this.latest;
    this.latest = epoch === undefined ? rest : { ...rest, resumedAtEpoch: epoch };
  }

  get(): RunProgress | undefined {
    return this.latest;
  }

  /**
   * The latest progress plus the training steps recorded since the previous call, for one
   * heartbeat. Steps of a heartbeat that fails are not sent again: the curve has a gap there.
   */
  take(): RunProgress | undefined {
    if (this.latest === undefined || this.pendingTrace.length === 0) return this.latest;
    const trace = this.pendingTrace;
    this.pendingTrace = [];
    return { ...this.latest, trace };
  }
}
