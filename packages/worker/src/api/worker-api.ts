import type { RecordDeploymentInput } from "@deadweight/api";
import type { ActivationStats, BackendInfo, BaseModelMetrics, SplitRecord, SweepRow } from "@deadweight/core";

/**
 * What a worker asks of the server: the `worker` router (worker tokens only) and the artifact
 * routes. Everything the worker does goes through this interface, so the pipeline never sees HTTP.
 */

/** The pipeline's stages in order; each is reported to the server as it finishes. */
export const PIPELINE_STAGES = ["load", "train", "statistics", "sweep", "export", "deploy"] as const;
export type PipelineStage = (typeof PIPELINE_STAGES)[number];

/** An artifact already stored for a run (by this attempt or an earlier one). */
export interface StoredArtifact {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly contentType: string;
}

export interface ClaimedRun {
  readonly id: string;
  /** 1 for the first claim; a new claim after a lost lease or a release counts up. */
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly experimentId: string;
  readonly projectId: string;
  readonly experimentName: string;
  /** Null for runs stored without a seed: the configuration's seed applies. */
  readonly seed: number | null;
  /** The experiment's stored configuration, with `seed` replaced by the run's seed (validated again by the worker). */
  readonly config?: unknown;
  /** Stages an earlier attempt finished. */
  readonly completedStages: readonly string[];
  readonly artifacts: readonly StoredArtifact[];
}

export interface Claim {
  readonly run: ClaimedRun;
  /** ISO time (or a Date, depending on the transport). */
  readonly leaseExpiresAt: string | Date;
}

/** Live progress carried by heartbeats; shown by `deadweight status` and the dashboard. */
export interface RunProgress {
  readonly stage: PipelineStage;
  readonly epoch?: number;
  readonly epochs?: number;
  readonly batch?: number;
  readonly batches?: number;
  readonly loss?: number;
  readonly accuracy?: number;
  readonly etaSeconds?: number;
  readonly message?: string;
  /** Training steps since the previous heartbeat: the server appends them to the run's training curve. */
  readonly trace?: TrainingTracePoint[];
}

/** One training step as the dashboard's curves show it. */
export interface TrainingTracePoint {
  readonly epoch: number;
  readonly batch: number;
  readonly loss: number;
  readonly accuracy: number;
}

export interface HeartbeatReply {
  readonly leaseExpiresAt: string | Date;
  /** A person canceled the run: stop and finish it as canceled. */
  readonly cancelRequested: boolean;
}

/** The core's ExperimentResult minus the models (those go up as artifacts). */
export interface RunResults {
  readonly base: BaseModelMetrics;
  readonly rows: readonly SweepRow[];
  readonly stats?: ActivationStats;
  readonly backend: BackendInfo;
  readonly split: SplitRecord;
  readonly timings: Record<string, number>;
}

/** How an attempt ended. "released": the worker is shutting down and hands the run back to the queue. */
export type RunOutcome =
  | { readonly outcome: "succeeded" | "canceled" | "released" }
  | { readonly outcome: "failed"; readonly error: string; readonly retryable: boolean };

export interface RunAttemptRef {
  readonly runId: string;
  readonly attempt: number;
}

export interface ArtifactUpload {
  readonly runId: string;
  /** The claim the worker holds the run under: the server refuses uploads from a claim that ended. */
  readonly attempt: number;
  readonly name: string;
  readonly kind: string;
  readonly contentType: string;
  readonly bytes: Uint8Array;
  /** The sweep row (its key, e.g. "mean0.1-std0.4") this file belongs to; its results must be recorded first. */
  readonly resultRowKey?: string;
}

export interface UploadedArtifact extends StoredArtifact {
  /** False when the same name and bytes were already stored (a retried upload). */
  readonly created: boolean;
}

export interface WorkerApi {
  /**
   * The oldest queued run this token's team may run, leased to this worker; null when the queue is
   * empty, after waiting up to `waitSeconds` (server-side, at most 30) for a run to be queued.
   * Aborting `signal` gives up the wait (shutdown).
   */
  claim(
    input: { readonly workerName: string; readonly leaseSeconds?: number; readonly waitSeconds?: number },
    signal?: AbortSignal,
  ): Promise<Claim | null>;
  /** Renews the lease; fails with ServerCallError "conflict" when the run is no longer this worker's. */
  heartbeat(input: RunAttemptRef & { readonly progress?: RunProgress }): Promise<HeartbeatReply>;
  completeStage(input: RunAttemptRef & { readonly stage: PipelineStage; readonly seconds: number }): Promise<void>;
  /** Idempotent: sending the same results again stores nothing twice. */
  recordResults(input: RunAttemptRef & { readonly results: RunResults }): Promise<void>;
  /** Idempotent: the deploy stage's bundles, recoveries, budget answer and model card (results first). */
  recordDeployment(input: RunAttemptRef & DeploymentReport): Promise<void>;
  finish(input: RunAttemptRef & RunOutcome): Promise<void>;
  /** Idempotent: the same name with the same bytes answers with the stored artifact. */
  uploadArtifact(upload: ArtifactUpload): Promise<UploadedArtifact>;
  /** The artifact's bytes, checked against its recorded sha256. */
  downloadArtifact(artifact: Pick<StoredArtifact, "id" | "name" | "sha256">): Promise<Uint8Array>;
}

/** What the deploy stage reports (the API's recordDeployment input without the claim). */
export type DeploymentReport = Omit<RecordDeploymentInput, "runId" | "attempt">;
