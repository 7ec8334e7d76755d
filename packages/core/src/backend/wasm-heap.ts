import type * as tf from "@tensorflow/tfjs";

/** The parts of tfjs-backend-wasm's BackendWasm read here: where each tensor lives in the wasm heap. */
export interface WasmHeapBackend {
  readonly dataIdMap: { get(dataId: object): { readonly memoryOffset: number } | undefined };
  readonly wasm: { readonly HEAPU8: Uint8Array };
  makeOutput(shape: number[], dtype: "float32"): tf.TensorInfo;
}

/**
 * Where a tensor's float32 values start in the wasm heap, in floats (an index into a Float32Array over
 * `backend.wasm.HEAPU8.buffer`), or null when the backend holds no memory for it.
 */
export function heapFloatIndex(backend: WasmHeapBackend, tensor: tf.TensorInfo): number | null {
  const offset = backend.dataIdMap.get(tensor.dataId)?.memoryOffset;
  return offset === undefined || offset === null ? null : offset / 4;
}
