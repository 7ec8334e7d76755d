import type { BackendInfo } from "../backend/compute-backend.js";
import { unquantizedWeightNames } from "../bundle/model-bundle.js";
import type { ModelCardInput } from "../candidate/build-model-card.js";
import type { SplitRecord } from "../data/data-split.js";
import { DeadweightError } from "../errors.js";
import { isScheduleRoundRow } from "../schedule/schedule-round-rows.js";
import type { BaseModelMetrics } from "../sweep/sweep-row.js";
import { type DeploymentVariant, type ExportedBundle, variantId } from "./deployment-variant.js";

/**
 * What buildModelCard needs to describe the chosen variant: its row's threshold and one-shot
 * accuracies, its recovery, its row's latency (null when not measured: the card claims none), and
 * each bundle with its verification and folder relative to the card (the dtype, see bundleFolderName).
 */
export function modelCardInputOf(input: {
  readonly chosen: DeploymentVariant;
  readonly exported: readonly ExportedBundle[];
  readonly base: BaseModelMetrics;
  /** Seconds the base model trained; null when unknown (the card then records no recovery cost ratio). */
  readonly baseTrainingSeconds: number | null;
  readonly createdAt: Date;
  readonly source: ModelCardInput["source"];
  readonly split: SplitRecord;
  readonly backend: BackendInfo;
  readonly inputs: ModelCardInput["inputs"];
  readonly classNames: ModelCardInput["classNames"];
  readonly majorityClass: ModelCardInput["majorityClass"];
}): ModelCardInput {
  const { chosen } = input;
  const { row, recovery } = chosen;
  if (row.validationAccuracy === null || row.testAccuracy === null) {
    throw new DeadweightError(
      "INVALID_OPTION",
      `row "${row.id}" has no measured model (${row.note ?? row.status}); only rows with status "ok" can be deployed`,
    );
  }
  return {
    candidateId: variantId(chosen),
    createdAt: input.createdAt,
    source: input.source,
    threshold: row.threshold,
    // A round's threshold applied to the round before it: its note says how the network was reached.
    note: isScheduleRoundRow(row) ? (row.note ?? null) : null,
    base: input.base,
    weights: chosen.network,
    oneShot: { validationAccuracy: row.validationAccuracy, testAccuracy: row.testAccuracy },
    recovery:
      recovery === null
        ? null
        : {
            validationAccuracy: recovery.recovered.validationAccuracy,
            testAccuracy: recovery.recovered.testAccuracy,
            epochs: recovery.epochs,
            seconds: recovery.seconds,
            // NaN keeps the cost ratio out of the card (it serialises as null) when the base training time is unknown.
            baseTrainingSeconds: input.baseTrainingSeconds ?? Number.NaN,
          },
    latencyMsPerSample: row.latencyMsPerSample ?? null,
    bundles: [...chosen.measured].map(([dtype, measured]) => {
      const verification = input.exported.find(
        (entry) => entry.dtype === dtype && variantId(entry.variant) === variantId(chosen),
      )?.verification;
      return {
        weightDtype: dtype,
        bytes: measured.bytes,
        files: measured.files,
        test: measured.test,
        float32Weights: unquantizedWeightNames(measured.bundle),
        ...(verification === undefined ? {} : { verification, folder: dtype }),
      };
    }),
    split: input.split,
    backend: input.backend,
    inputs: input.inputs,
    classNames: input.classNames,
    majorityClass: input.majorityClass,
  };
}
