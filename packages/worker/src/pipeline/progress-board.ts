import type { RunProgress } from "../api/worker-api.js";

/** The server keeps progress messages to 500 characters. */
const MAX_MESSAGE_LENGTH = 500;

/**
 * The latest progress of a run: the pipeline writes it as it goes, the heartbeat reads it at each
 * beat. Numbers that are not finite (a NaN loss) are left out rather than sent.
 */
export class ProgressBoard {
  private latest: RunProgress | undefined;
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
    this.latest = clean as unknown as RunProgress;
    if (stageChanged) this.onStageChange(progress.stage);
  }

  get(): RunProgress | undefined {
    return this.latest;
  }
}
