import type {
  ClaimReply,
  ClaimRunRequest,
  CompleteStageInput,
  DeploymentReport,
  HeartbeatReply,
  RecordWorkerResultsInput,
  RunAttemptRef,
  RunOutcome,
  RunProgress,
  StoredArtifact,
  StoredDataset,
  StoredDatasetFile,
} from "@deadweight/protocol";

/**
 * What a worker asks of the server: the `worker` router (worker tokens only) and the artifact
 * routes. Everything the worker does goes through this interface, so the pipeline never sees HTTP.
 * The messages themselves are the worker protocol's (@deadweight/protocol), shared with the API.
 */

/** A claim the server granted. */
export type Claim = ClaimReply;

/** The core's ExperimentResult minus the models (those go up as artifacts). */
export type RunResults = RecordWorkerResultsInput["results"];

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
  claim(input: ClaimRunRequest, signal?: AbortSignal): Promise<Claim | null>;
  /** Renews the lease; fails with ServerCallError "conflict" when the run is no longer this worker's. */
  heartbeat(input: RunAttemptRef & { readonly progress?: RunProgress }): Promise<HeartbeatReply>;
  completeStage(input: CompleteStageInput): Promise<void>;
  /** Idempotent: sending the same results again stores nothing twice. */
  recordResults(input: RunAttemptRef & { readonly results: RunResults }): Promise<void>;
  /** Idempotent: the deploy stage's bundles, recoveries, budget answer and model card (results first). */
  recordDeployment(input: RunAttemptRef & DeploymentReport): Promise<void>;
  finish(input: RunAttemptRef & RunOutcome): Promise<void>;
  /** Idempotent: the same name with the same bytes answers with the stored artifact. */
  uploadArtifact(upload: ArtifactUpload): Promise<UploadedArtifact>;
  /** The artifact's bytes, checked against its recorded sha256. */
  downloadArtifact(artifact: Pick<StoredArtifact, "id" | "name" | "sha256">): Promise<Uint8Array>;
  /** A dataset of the team that the platform stores (a run names it as `dataset:<id>`), with its files. */
  getDataset(datasetId: string): Promise<StoredDataset>;
  /** One file of such a dataset, by its sha256, checked against it. */
  downloadDatasetFile(datasetId: string, file: StoredDatasetFile): Promise<Uint8Array>;
}
