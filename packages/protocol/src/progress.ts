import { z } from "zod";
import { runStageInput } from "./run-stages.js";

const count = z.number().int("must be a whole number").nonnegative("must be 0 or more");

/** At most this many training steps per heartbeat. */
export const MAX_TRACE_POINTS_PER_REPORT = 500;

/** One reported training step: the running loss and accuracy at a batch of an epoch. */
export const trainingTracePointInput = z.object({
  epoch: count,
  batch: count,
  loss: z.number().refine(Number.isFinite, "must be a finite number"),
  accuracy: z.number().min(0, "must be a fraction in [0, 1]").max(1, "must be a fraction in [0, 1]"),
});
export type TrainingTracePoint = z.output<typeof trainingTracePointInput>;

/** The live progress of a run, reported by its worker with each heartbeat and shown to people. */
export const runProgressInput = z.object({
  stage: runStageInput,
  epoch: count.optional(),
  epochs: count.optional(),
  batch: count.optional(),
  batches: count.optional(),
  loss: z.number().optional(),
  accuracy: z.number().min(0, "must be a fraction in [0, 1]").max(1, "must be a fraction in [0, 1]").optional(),
  etaSeconds: z.number().nonnegative("must be 0 or more").optional(),
  message: z.string().max(500, "must be at most 500 characters").optional(),
  /** This attempt went on from an earlier attempt's training checkpoint at this epoch (instead of epoch 1). */
  resumedAtEpoch: count.min(1, "must be an epoch (1 or more)").optional(),
  /** Training steps since the previous report, appended to the run's training curve. */
  trace: z
    .array(trainingTracePointInput)
    .max(MAX_TRACE_POINTS_PER_REPORT, `must be at most ${MAX_TRACE_POINTS_PER_REPORT} points`)
    .optional(),
});
export type RunProgress = z.output<typeof runProgressInput>;

/** Progress as a run stores it and people read it (the trace goes into the run's training curve). */
export type ReportedProgress = Omit<RunProgress, "trace">;
