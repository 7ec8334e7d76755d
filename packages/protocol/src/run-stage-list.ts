/**
 * The worker's pipeline, in order: each stage is reported as it finishes, and a retried run resumes after the last one done.
 * No zod here: the dashboard's browser code takes the list from this file alone
 * (`@deadweight/protocol/run-stages`), without the protocol's schemas and zod (~60 KB evaluated on every run page).
 */
export const RUN_STAGES = ["load", "train", "statistics", "sweep", "export", "deploy"] as const;
export type RunStage = (typeof RUN_STAGES)[number];
