import * as tf from "@tensorflow/tfjs";

type KernelArgs = Parameters<tf.KernelFunc>[0];
interface DataBackend {
  disposeData(dataId: object): void;
}

let installed = false;

/**
 * Makes the wasm backend's BatchMatMul and _FusedMatMul fast for transposed operands.
 *
 * Why: the wasm kernel hands a matmul to XNNPACK only when neither operand is transposed; both
 * backward matmuls of a Dense layer (x^T·dy and dy·W^T) are transposed and fall to a scalar loop
 * (0.4-2 GFLOP/s). Materialising the transpose first with the wasm Transpose kernel costs one copy
 * and lets XNNPACK run the product: about 6x faster training with the same results (to ~1e-6).
 */
export function installWasmTransposedMatMul(): void {
  if (installed) return;
  const batchMatMul = tf.getKernel("BatchMatMul", "wasm");
  const fusedMatMul = tf.getKernel("_FusedMatMul", "wasm");
  const transpose = tf.getKernel("Transpose", "wasm");
  if (batchMatMul === undefined || fusedMatMul === undefined || transpose === undefined) return;
  const transposeKernel = transpose.kernelFunc;

  const materialise = (x: tf.TensorInfo, backend: KernelArgs["backend"]): tf.TensorInfo => {
    const rank = x.shape.length;
    const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
    return transposeKernel({ inputs: { x }, backend, attrs: { perm } }) as tf.TensorInfo;
  };

  /** The same kernel, given its operands already transposed (the fused one's bias and activation pass through). */
  const withMaterialisedTransposes =
    (original: tf.KernelFunc): tf.KernelFunc =>
    (args) => {
      const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
      if (!transposeA && !transposeB) return original(args);
      const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      const temporaries: tf.TensorInfo[] = [];
      const left = transposeA ? materialise(a, args.backend) : a;
      const right = transposeB ? materialise(b, args.backend) : b;
      if (transposeA) temporaries.push(left);
      if (transposeB) temporaries.push(right);
      const out = original({
        inputs: { ...args.inputs, a: left, b: right },
        backend: args.backend,
        attrs: { ...args.attrs, transposeA: false, transposeB: false },
      });
      for (const temporary of temporaries) (args.backend as unknown as DataBackend).disposeData(temporary.dataId);
      return out;
    };

  tf.unregisterKernel("BatchMatMul", "wasm");
  tf.registerKernel({ ...batchMatMul, kernelFunc: withMaterialisedTransposes(batchMatMul.kernelFunc) });
  tf.unregisterKernel("_FusedMatMul", "wasm");
  tf.registerKernel({ ...fusedMatMul, kernelFunc: withMaterialisedTransposes(fusedMatMul.kernelFunc) });
  installed = true;
}
