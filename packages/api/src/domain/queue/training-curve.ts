import type { TrainingTracePoint } from "@deadweight/protocol";

/** A run keeps at most this many points; past it, every other point of the older half is dropped. */
export const MAX_TRAINING_CURVE_POINTS = 4_000;

/** The training trace of the latest attempt that trained. */
export interface TrainingCurve {
  readonly attempt: number;
  readonly points: TrainingTracePoint[];
}

/**
 * The stored curve with `points` of `attempt` appended. A later attempt replaces an earlier one's
 * curve from its own first epoch on: one that trains from scratch replaces it all, one that goes on
 * from a training checkpoint (first epoch k+1) keeps the earlier epochs 1..k. A long run is thinned
 * rather than cut, so the curve keeps its start.
 */
export function appendToTrainingCurve(
  stored: string | null,
  attempt: number,
  points: readonly TrainingTracePoint[],
): TrainingCurve {
  const previous = stored === null ? null : (JSON.parse(stored) as TrainingCurve);
  const firstEpoch = points[0]?.epoch ?? 1;
  const kept =
    previous === null
      ? []
      : previous.attempt === attempt
        ? previous.points
        : previous.points.filter((point) => point.epoch < firstEpoch);
  let merged = [...kept, ...points];
  while (merged.length > MAX_TRAINING_CURVE_POINTS) {
    const half = Math.floor(merged.length / 2);
    merged = [...merged.slice(0, half).filter((_, i) => i % 2 === 0), ...merged.slice(half)];
  }
  return { attempt, points: merged };
}
