import { DeadweightError } from "../errors.js";

/**
 * How a bundle stores its weights on disk. TF.js computes in float32 whatever the storage: float16
 * and uint8 weights are expanded to float32 by its loader (weightsManifest `quantization` entries).
 */
export type WeightDtype = "float32" | "float16" | "uint8";

/** Every storage dtype, largest first. */
export const WEIGHT_DTYPES: readonly WeightDtype[] = ["float32", "float16", "uint8"];

/** Bytes one parameter takes in weights.bin. */
export function bytesPerStoredWeight(dtype: WeightDtype): number {
  return dtype === "float32" ? 4 : dtype === "float16" ? 2 : 1;
}

/** Throws INVALID_OPTION, listing the accepted values, when `value` is not a storage dtype. */
export function assertWeightDtype(value: unknown): asserts value is WeightDtype {
  if (!WEIGHT_DTYPES.includes(value as WeightDtype)) {
    throw new DeadweightError(
      "INVALID_OPTION",
      `weight dtype "${String(value)}" is not supported; use one of ${WEIGHT_DTYPES.map((d) => `"${d}"`).join(", ")}`,
    );
  }
}
