import type { RunSettings } from "../pipeline/run-settings.js";

const MEBIBYTE = 2 ** 20;
/**
 * The smallest JavaScript heap a run's thread or process gets, whatever its memory share: loading
 * TensorFlow.js and the pipeline alone takes tens of MiB, and a share this small fails the run's
 * estimate anyway.
 */
export const MIN_RUN_HEAP_MIB = 256;

/** The JavaScript heap of a run's thread or process, in MiB: its whole memory share, at least MIN_RUN_HEAP_MIB. */
export function runHeapMib(settings: Pick<RunSettings, "maxMemoryBytes">): number {
  return Math.max(MIN_RUN_HEAP_MIB, Math.floor(settings.maxMemoryBytes / MEBIBYTE));
}
