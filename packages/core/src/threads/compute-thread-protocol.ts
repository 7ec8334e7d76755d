import type { BackendPreference } from "../backend/compute-backend.js";
import type { Dataset } from "../data/dataset.js";
import type { DeadweightErrorCode } from "../errors.js";
import type { MlpWeights } from "../model/mlp-weights.js";
import type { WorkRange } from "../parallel/split-work.js";
import type { PruningThreshold } from "../pruning/pruning-threshold.js";
import type { ActivationStats } from "../stats/activation-stats.js";
import type { LayerStatsPart } from "../stats/layer-activation-accumulator.js";
import type { MeasuredThresholdRows } from "../sweep/run-threshold-sweep.js";

/** What a compute thread is started with. */
export interface ComputeThreadData {
  readonly backend: BackendPreference;
}

/** A request to a compute thread; weights and datasets arrive in SharedArrayBuffers (no copy per thread). */
export type ToComputeThread =
  | {
      readonly type: "statistics";
      readonly id: number;
      readonly weights: MlpWeights;
      readonly dataset: Dataset;
      readonly range: WorkRange;
      readonly chunkSize: number;
      readonly histogramBins?: number;
    }
  | {
      readonly type: "sweep";
      readonly id: number;
      readonly weights: MlpWeights;
      readonly stats: ActivationStats;
      readonly validation: Dataset;
      readonly test: Dataset;
      readonly thresholds: readonly PruningThreshold[];
    };

/** A failure inside a compute thread, with the DeadweightError code when it had one. */
export interface TransferredComputeError {
  readonly code?: DeadweightErrorCode;
  readonly message: string;
}

export type FromComputeThread =
  | { readonly type: "ready" }
  | { readonly type: "start-failed"; readonly error: TransferredComputeError }
  /** Samples measured or thresholds swept since the request began, for progress. */
  | { readonly type: "progress"; readonly id: number; readonly done: number; readonly rowId?: string }
  | { readonly type: "statistics-done"; readonly id: number; readonly parts: LayerStatsPart[] }
  | { readonly type: "sweep-done"; readonly id: number; readonly measured: MeasuredThresholdRows }
  | { readonly type: "failed"; readonly id: number; readonly error: TransferredComputeError };
