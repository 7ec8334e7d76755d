import type { BackendInfo } from "../backend/compute-backend.js";

/**
 * How many test samples a bundle's plain-TF.js verification may classify differently from the
 * stored count, given the backend that measured it. The verifier runs plain TF.js on wasm: a count
 * measured there too is reproduced exactly (0). One measured with other kernels (OpenBLAS, or
 * tfjs-node's TensorFlow) sums the same products in another order, and a sample whose two best
 * logits lie within float32 rounding of each other can flip: 1 sample per 5,000 (2 of MNIST's
 * 10,000), far below what a wrong or damaged file changes (hundreds).
 */
export function verificationToleranceSamples(measuredOn: BackendInfo, samples: number): number {
  const sameKernelsAsVerifier = measuredOn.name === "wasm" && measuredOn.openBlas === undefined;
  return sameKernelsAsVerifier ? 0 : Math.max(1, Math.ceil(samples / 5000));
}
