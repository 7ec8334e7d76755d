import * as tf from "@tensorflow/tfjs";
import { heapFloatIndex, type WasmHeapBackend } from "../wasm-heap.js";
import type { OpenBlasLibrary } from "./openblas-library.js";

type KernelArgs = Parameters<tf.KernelFunc>[0];

/**
 * Re-registers the wasm backend's BatchMatMul and _FusedMatMul (every Dense layer's forward and
 * backward products) to run on OpenBLAS's sgemm, reading and writing the tensors in place in the
 * wasm heap (no copies). OpenBLAS runs 4x XNNPACK's single-thread speed on this kind of machine
 * and uses the threads `library.setThreads` gives it. Shapes it cannot express (batch broadcasting
 * other than 1 against n, non-float32, activations other than linear and relu, a bias that is not
 * one value per output column) go to the replaced kernels. Call once per thread: each worker_thread
 * has a TF.js (and a kernel registry) of its own.
 */
export function installBlasMatMulKernels(library: OpenBlasLibrary): void {
  const batchMatMul = tf.getKernel("BatchMatMul", "wasm");
  const fusedMatMul = tf.getKernel("_FusedMatMul", "wasm");
  if (batchMatMul === undefined || fusedMatMul === undefined)
    throw new Error("the wasm backend has no BatchMatMul or _FusedMatMul kernel to replace");
  // The wasm kernels replaced run what OpenBLAS is not given.
  const wasmBatchMatMul = batchMatMul.kernelFunc;
  const wasmFusedMatMul = fusedMatMul.kernelFunc;

  tf.unregisterKernel("BatchMatMul", "wasm");
  tf.registerKernel({
    ...batchMatMul,
    kernelFunc: (args) => blasMatMul(library, args) ?? wasmBatchMatMul(args),
  });
  tf.unregisterKernel("_FusedMatMul", "wasm");
  tf.registerKernel({
    ...fusedMatMul,
    kernelFunc: (args) => blasFusedMatMul(library, args) ?? wasmFusedMatMul(args),
  });
}

interface MatMulPlan {
  readonly outShape: number[];
  readonly batches: number;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  /** Elements between consecutive matrices of a and b: 0 when one matrix is shared by every batch. */
  readonly aStride: number;
  readonly bStride: number;
}

/** The shapes of a (batched) product, or null when OpenBLAS is not given it. */
function planMatMul(a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean): MatMulPlan | null {
  if (a.dtype !== "float32" || b.dtype !== "float32" || a.shape.length < 2 || b.shape.length < 2) return null;
  const aRank = a.shape.length;
  const bRank = b.shape.length;
  const m = (transposeA ? a.shape[aRank - 1] : a.shape[aRank - 2]) as number;
  const k = (transposeA ? a.shape[aRank - 2] : a.shape[aRank - 1]) as number;
  const bInner = (transposeB ? b.shape[bRank - 1] : b.shape[bRank - 2]) as number;
  const n = (transposeB ? b.shape[bRank - 2] : b.shape[bRank - 1]) as number;
  if (k !== bInner) return null;
  const aOuter = a.shape.slice(0, -2);
  const bOuter = b.shape.slice(0, -2);
  const aBatches = tf.util.sizeFromShape(aOuter);
  const bBatches = tf.util.sizeFromShape(bOuter);
  let outOuter: number[];
  try {
    outOuter = tf.backend_util.assertAndGetBroadcastShape(aOuter, bOuter);
  } catch {
    return null;
  }
  const batches = tf.util.sizeFromShape(outOuter);
  if ((aBatches !== batches && aBatches !== 1) || (bBatches !== batches && bBatches !== 1)) return null;
  return {
    outShape: [...outOuter, m, n],
    batches,
    m,
    n,
    k,
    aStride: aBatches === 1 ? 0 : m * k,
    bStride: bBatches === 1 ? 0 : k * n,
  };
}

/**
 * Runs the plan into a new output; with `bias` (one value per output column), every row of the
 * output starts as the bias and the products are added to it (BLAS's beta = 1): the bias costs a
 * row copy, not a pass over the output.
 */
function runPlan(
  library: OpenBlasLibrary,
  backend: WasmHeapBackend,
  plan: MatMulPlan,
  operands: { a: tf.TensorInfo; b: tf.TensorInfo; bias: tf.TensorInfo | null },
  transposeA: boolean,
  transposeB: boolean,
): { out: tf.TensorInfo; values: Float32Array } {
  const out = backend.makeOutput(plan.outShape, "float32");
  // Views are made after the output's allocation: growing the heap replaces its buffer.
  const heap = new Float32Array(backend.wasm.HEAPU8.buffer);
  const offset = (info: tf.TensorInfo) => heapFloatIndex(backend, info) ?? 0;
  const aStart = offset(operands.a);
  const bStart = offset(operands.b);
  const outStart = offset(out);
  const { m, n, k } = plan;
  const values = heap.subarray(outStart, outStart + plan.batches * m * n);
  if (operands.bias !== null) {
    const biasStart = offset(operands.bias);
    values.set(heap.subarray(biasStart, biasStart + n), 0);
    // Doubling copies: log2(rows) native copies rather than one call per row.
    for (let filled = n; filled < values.length; filled *= 2)
      values.copyWithin(filled, 0, Math.min(filled, values.length - filled));
  }
  for (let batch = 0; batch < plan.batches; batch += 1) {
    const aFrom = aStart + batch * plan.aStride;
    const bFrom = bStart + batch * plan.bStride;
    const cFrom = outStart + batch * m * n;
    library.sgemm({
      transposeA,
      transposeB,
      m,
      n,
      k,
      a: heap.subarray(aFrom, aFrom + m * k),
      b: heap.subarray(bFrom, bFrom + k * n),
      c: heap.subarray(cFrom, cFrom + m * n),
      accumulate: operands.bias !== null,
    });
  }
  return { out, values };
}

function blasMatMul(library: OpenBlasLibrary, args: KernelArgs): tf.TensorInfo | null {
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
  const plan = planMatMul(a, b, transposeA, transposeB);
  if (plan === null) return null;
  const backend = args.backend as unknown as WasmHeapBackend;
  return runPlan(library, backend, plan, { a, b, bias: null }, transposeA, transposeB).out;
}

function blasFusedMatMul(library: OpenBlasLibrary, args: KernelArgs): tf.TensorInfo | null {
  const { a, b, bias, preluActivationWeights } = args.inputs as {
    a: tf.TensorInfo;
    b: tf.TensorInfo;
    bias?: tf.TensorInfo | null;
    preluActivationWeights?: tf.TensorInfo | null;
  };
  const { transposeA, transposeB, activation } = args.attrs as {
    transposeA: boolean;
    transposeB: boolean;
    activation: string;
  };
  if (activation !== "linear" && activation !== "relu") return null;
  if (preluActivationWeights != null) return null;
  const plan = planMatMul(a, b, transposeA, transposeB);
  if (plan === null) return null;
  if (bias != null && (bias.dtype !== "float32" || bias.shape.length !== 1 || bias.shape[0] !== plan.n)) return null;
  const backend = args.backend as unknown as WasmHeapBackend;
  const { out, values } = runPlan(library, backend, plan, { a, b, bias: bias ?? null }, transposeA, transposeB);
  if (activation === "relu") reluInPlace(values);
  return out;
}

/**
 * max(x, 0) over float32 values, keeping every NaN (the statistics must still see and refuse it),
 * the sign-bit NaN x86 produces included. Works on the bits without a branch per value: a value
 * becomes +0 when its sign bit is set and it is not a NaN (as a signed int, at most -2^23, which is
 * -Infinity's bits). A compare-and-branch loop mispredicts on every other hidden activation and
 * took 7x as long.
 */
export function reluInPlace(values: Float32Array): void {
  const bits = new Int32Array(values.buffer, values.byteOffset, values.length);
  for (let index = 0; index < bits.length; index += 1) {
    const value = bits[index] as number;
    bits[index] = value & ~((value >> 31) & ((value + 0x7fffff) >> 31));
  }
}
