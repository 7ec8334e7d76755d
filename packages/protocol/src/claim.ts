import { z } from "zod";
import { storedArtifact } from "./artifacts.js";

/** The longest a claim may wait on the server for work (long poll). */
export const MAX_CLAIM_WAIT_SECONDS = 30;

export const claimRunInput = z.object({
  /** Who is claiming, for people reading the run ("gpu-box-1/2"); several workers may share a token. */
  workerName: z.string().trim().min(1, "must not be empty").max(100, "must be at most 100 characters"),
  /** How long the claim holds without a heartbeat; each heartbeat extends it by as much again. */
  leaseSeconds: z
    .number()
    .int("must be a whole number of seconds")
    .min(5, "must be at least 5 seconds")
    .max(600, "must be at most 600 seconds")
    .default(30),
  /**
   * Long poll: when nothing is claimable, wait up to this long for a run of the team to be queued
   * before answering null, instead of the worker asking again and again. 0 answers at once.
   */
  waitSeconds: z
    .number()
    .min(0, "must be 0 or more seconds")
    .max(MAX_CLAIM_WAIT_SECONDS, `must be at most ${MAX_CLAIM_WAIT_SECONDS} seconds`)
    .default(0),
});
export type ClaimRunInput = z.output<typeof claimRunInput>;
/** What a worker sends (the defaults are filled in by the server). */
export type ClaimRunRequest = z.input<typeof claimRunInput>;

/** A run leased to a worker: what it needs to execute (or resume) it. */
export const claimedRun = z.object({
  id: z.string(),
  /** This claim's number (1 for the first); every report on the run names it. */
  attempt: z.number().int().min(1),
  maxAttempts: z.number().int().min(1),
  experimentId: z.string(),
  projectId: z.string(),
  experimentName: z.string(),
  /** Null for runs stored without a seed: the configuration's seed applies. */
  seed: z.number().int().nullable(),
  /** The experiment's stored configuration, with `seed` replaced by the run's seed (validated again by the worker). */
  config: z.unknown(),
  /** Stages an earlier attempt finished: resume after them. */
  completedStages: z.array(z.string()),
  /** What earlier attempts stored (a trained base model is not trained again). */
  artifacts: z.array(storedArtifact),
});
export type ClaimedRun = z.output<typeof claimedRun>;

/** The answer to a claim that got a run (a claim that got none answers null). */
export const claimReply = z.object({
  run: claimedRun,
  /** A Date on the server; ISO text on the wire, turned back into a Date by parsing with this schema. */
  leaseExpiresAt: z.coerce.date(),
});
export type ClaimReply = z.output<typeof claimReply>;
