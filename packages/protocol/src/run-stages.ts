import { z } from "zod";

/** The worker's pipeline, in order: each stage is reported as it finishes, and a retried run resumes after the last one done. */
export const RUN_STAGES = ["load", "train", "statistics", "sweep", "export", "deploy"] as const;
export type RunStage = (typeof RUN_STAGES)[number];
export const runStageInput = z.enum(RUN_STAGES);
