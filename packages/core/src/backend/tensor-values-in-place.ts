import * as tf from "@tensorflow/tfjs";
import { heapFloatIndex, type WasmHeapBackend } from "./wasm-heap.js";

/**
 * A tensor's values as float32, without copying them out of the backend where it can (a float32
 * tensor on the wasm heap), else a copy. The view is valid only until the next TensorFlow.js operation (one may
 * grow the heap and move it) and while the tensor lives: read it at once, never keep or write it.
 */
export function readTensorValuesInPlace(tensor: tf.Tensor): Float32Array {
  if (tensor.dtype === "float32" && tf.getBackend() === "wasm") {
    const backend = tf.backend() as unknown as WasmHeapBackend;
    const start = heapFloatIndex(backend, tensor);
    if (start !== null) return new Float32Array(backend.wasm.HEAPU8.buffer, start * 4, tensor.size);
  }
  const values = tensor.dataSync();
  return values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
}
