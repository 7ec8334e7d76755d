import type { BaseModelMetrics } from "@deadweight/core";
import { shownAccuracy, shownSize } from "./shown-precision.js";

/** A run's base model metrics as compare sends them: accuracies and sizes rounded like its points. */
export function shownBaseMetrics(base: BaseModelMetrics): BaseModelMetrics {
  return {
    ...base,
    parameters: shownSize(base.parameters),
    bytes: shownSize(base.bytes),
    validationAccuracy: shownAccuracy(base.validationAccuracy),
    testAccuracy: shownAccuracy(base.testAccuracy),
  };
}
