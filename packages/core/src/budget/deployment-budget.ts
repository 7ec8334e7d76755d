import type { WeightDtype } from "../bundle/weight-dtype.js";

/** What a device allows: a memory budget in real bytes on disk, and optionally an accuracy and a latency limit. */
export interface DeploymentBudget {
  /** The bundle's files (model.json + weights) must total at most this many bytes. */
  readonly maxBytes: number;
  /** At most this many accuracy points below the base model (0.5 = half a point). */
  readonly maxAccuracyDropPoints?: number;
  readonly maxLatencyMsPerSample?: number;
}

export type BudgetConstraint = keyof DeploymentBudget;

/** A pruned network that could be deployed, with the bundle of each dtype it was exported in. */
export interface BudgetCandidate {
  /** The sweep row id ("mean0.1-std0.4"), or any id the caller uses. */
  readonly id: string;
  /**
   * Median forward-pass time of one sample (storage dtype does not change it: TF.js computes in
   * float32); null when it was not measured, and then the candidate meets no latency limit.
   */
  readonly latencyMsPerSample: number | null;
  readonly bundles: readonly {
    readonly weightDtype: WeightDtype;
    /** Real bytes on disk of the bundle's files. */
    readonly bytes: number;
    /**
     * Base accuracy minus this bundle's accuracy after reloading, in points; null when that accuracy
     * was not measured, and then the bundle meets no accuracy limit.
     */
    readonly accuracyDropPoints: number | null;
  }[];
}

/** One deployable choice: a candidate stored in one dtype. */
export interface BudgetOption {
  readonly candidateId: string;
  readonly weightDtype: WeightDtype;
  readonly bytes: number;
  /** null: not measured (see BudgetCandidate). */
  readonly accuracyDropPoints: number | null;
  readonly latencyMsPerSample: number | null;
}

/**
 * A constraint that holds the answer back: relaxing `constraints` to `limitsNeeded` would allow
 * `nextBetter`, the most modest step to a more accurate option.
 */
export interface BindingConstraint {
  /** One constraint, or two when only relaxing both together helps. */
  readonly constraints: ("maxBytes" | "maxLatencyMsPerSample")[];
  readonly nextBetter: BudgetOption;
  readonly limitsNeeded: { readonly maxBytes?: number; readonly maxLatencyMsPerSample?: number };
}

/**
 * How far an option is from meeting one constraint, in the constraint's unit (bytes, points, ms).
 * A missing measurement never meets a limit: `actual` and `excess` are then null.
 */
export interface Shortfall {
  readonly constraint: BudgetConstraint;
  readonly limit: number;
  readonly actual: number | null;
  readonly excess: number | null;
}

/** The answer to a budget query. */
export type BudgetAnswer =
  | {
      readonly fits: true;
      /** The most accurate option within every limit. */
      readonly best: BudgetOption;
      /** Empty when no option anywhere is more accurate (the budget does not bind). */
      readonly binding: BindingConstraint[];
      readonly explanation: string;
    }
  | {
      readonly fits: false;
      /** The option that misses the fewest limits, by the smallest margin. */
      readonly closest: BudgetOption;
      /** What `closest` lacks, one entry per limit it misses. */
      readonly missing: Shortfall[];
      readonly explanation: string;
    };
