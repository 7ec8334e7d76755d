import { z } from "zod";

const count = z.number().int("must be a whole number").nonnegative("must be 0 or more");

/** One reported training step: the running loss and accuracy at a batch of an epoch. */
export const trainingTracePointInput = z.object({
  epoch: count,
  batch: count,
  loss: z.number().refine(Number.isFinite, "must be a finite number"),
  accuracy: z.number().min(0, "must be a fraction in [0, 1]").max(1, "must be a fraction in [0, 1]"),
});
export type TrainingTracePoint = z.output<typeof trainingTracePointInput>;

/** At most this many points per heartbeat. */
export const MAX_TRACE_POINTS_PER_REPORT = 500;
/** A run keeps at most this many points; past it, every other point of the older half is dropped. */
export const MAX_TRAINING_CURVE_POINTS = 4_000;

/** The training trace of the latest attempt that trained. */
export interface TrainingCurve {
  readonly attempt: number;
  readonly points: TrainingTracePoint[];
}

/**
 * The stored curve with `points` of `attempt` appended: a later attempt replaces an earlier one's
 * curve (it trains from scratch); a long run is thinned rather than cut, so the curve keeps its start.
 */
export function appendToTrainingCurve(
  stored: string | null,
  attempt: number,
  points: readonly TrainingTracePoint[],
): TrainingCurve {
  const previous = stored === null ? null : (JSON.parse(stored) as TrainingCurve);
  const kept = previous !== null && previous.attempt === attempt ? previous.points : [];
  let merged = [...kept, ...points];
  while (merged.length > MAX_TRAINING_CURVE_POINTS) {
    const half = Math.floor(merged.length / 2);
    merged = [...merged.slice(0, half).filter((_, i) => i % 2 === 0), ...merged.slice(half)];
  }
  return { attempt, points: merged };
}
