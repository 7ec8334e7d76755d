import * as tf from "@tensorflow/tfjs";
import { DeadweightError } from "../errors.js";
import { installBlasMatMulKernels } from "./blas/blas-matmul-kernels.js";
import { loadOpenBlas, type OpenBlasLibrary } from "./blas/openblas-library.js";
import { installWasmTransposedMatMul } from "./wasm-transposed-matmul.js";

/** The TensorFlow.js backends Deadweight can run on, fastest first. */
export type BackendName = "tensorflow" | "wasm" | "cpu";

/** Which backend ran, recorded in every result. */
export interface BackendInfo {
  readonly name: BackendName;
  /** Details a reader of results needs ("wasm simd, transposed-matmul fix"). */
  readonly description: string;
  /** Set when the backend is a slow fallback. */
  readonly warning?: string;
  /**
   * Threads the run's statistics pass and sweep used, each with a backend of this kind (the
   * experiment's `threads`, within what the worker allows); absent: 1.
   */
  readonly threads?: number;
  /**
   * Set when the wasm backend's matrix products run on OpenBLAS (what it says it is): then `threads`
   * is OpenBLAS's thread count for every product of the run, training included.
   */
  readonly openBlas?: string;
  /** Why OpenBLAS is not used, when the wasm backend runs without it. */
  readonly openBlasUnavailable?: string;
}

export type BackendPreference = BackendName | "auto";

export interface BackendOptions {
  /**
   * Threads for this process's matrix products when they run on OpenBLAS (absent: OpenBLAS's own
   * default, every core). Without OpenBLAS, only recorded.
   */
  readonly threads?: number;
  /**
   * OpenBLAS for the wasm backend's matrix products: "auto" (load it when the system has it),
   * "off", or a library path. Default: the DEADWEIGHT_OPENBLAS environment variable, else "auto".
   */
  readonly openBlas?: string;
}

let active: BackendInfo | null = null;
/** The preference that chose `active`: asked for another, the backend is chosen again. */
let activePreference: BackendPreference | null = null;
/** Backends started in this process or thread, by name: choosing one again only switches to it. */
const startedBackends = new Map<BackendName, BackendInfo>();
/** OpenBLAS as loaded by the wasm backend's start (one per process, like TensorFlow.js's engine). */
let openBlasLibrary: OpenBlasLibrary | null = null;
/** The initialisation in progress: concurrent callers (a worker running two runs) wait for it rather than race it. */
let starting: Promise<BackendInfo> | null = null;

/** The backend chosen by the last initialiseBackend call, or null before any. */
export function activeBackend(): BackendInfo | null {
  return active;
}

/**
 * Selects the compute backend: tfjs-node (native TensorFlow) when it loads, else wasm with SIMD (its
 * matrix products on OpenBLAS when the system has it, else with the transposed-matmul fix), else cpu
 * with a loud warning (about 20x slower). "auto" tries them in that order; naming one fails with
 * BACKEND_UNAVAILABLE if it cannot start. Each backend starts once per process (or thread); a
 * later call with the same preference returns the running one, and one with another preference
 * chooses as a fresh thread would, switching to a backend started before. With `options.threads`, OpenBLAS (if used) computes on that many threads from
 * now on, and the returned info records them.
 */
export async function initialiseBackend(
  preference: BackendPreference = "auto",
  options: BackendOptions = {},
): Promise<BackendInfo> {
  while (starting !== null) await starting.catch(() => {});
  // Chosen again for another preference, not only another name: "auto" after "cpu" chooses what "auto"
  // chooses in a fresh thread (tensorflow, else wasm), not the cpu backend left by the last run.
  if (active === null || preference !== activePreference) {
    starting = startPreferredBackend(preference, options.openBlas ?? process.env.DEADWEIGHT_OPENBLAS ?? "auto");
    try {
      active = await starting;
      activePreference = preference;
    } finally {
      starting = null;
    }
  }
  const info = active as BackendInfo;
  if (options.threads === undefined) return info;
  if (openBlasLibrary !== null) openBlasLibrary.setThreads(options.threads);
  return { ...info, threads: options.threads };
}

/**
 * Whether a run with this backend spreads its statistics pass and sweep over compute threads: when
 * it has more than one thread and its matrix products do not already use them through OpenBLAS.
 */
export function usesComputeThreads(backend: BackendInfo): boolean {
  return (backend.threads ?? 1) > 1 && backend.openBlas === undefined;
}

async function startPreferredBackend(preference: BackendPreference, openBlas: string): Promise<BackendInfo> {
  const order: BackendName[] = preference === "auto" ? ["tensorflow", "wasm", "cpu"] : [preference];
  const failures: string[] = [];
  for (const name of order) {
    try {
      return await selectBackend(name, openBlas);
    } catch (error) {
      // A setting the user gave that cannot be honoured stops here: no silent fall to a slower backend.
      if (error instanceof DeadweightError) throw error;
      failures.push(`${name}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
    }
  }
  throw new DeadweightError(
    "BACKEND_UNAVAILABLE",
    `no TensorFlow.js backend could start (${failures.join("; ")}). Install dependencies with the README's command, or choose another backend.`,
  );
}

/** Switches to `name`, started once per process or thread (its OpenBLAS choice is the first start's). */
async function selectBackend(name: BackendName, openBlas: string): Promise<BackendInfo> {
  const started = startedBackends.get(name);
  if (started === undefined) {
    const info = await startBackend(name, openBlas);
    startedBackends.set(name, info);
    return info;
  }
  if (!(await tf.setBackend(name))) throw new Error(`the ${name} backend, started before, did not start again`);
  return started;
}

async function startBackend(name: BackendName, openBlas: string): Promise<BackendInfo> {
  if (name === "tensorflow") {
    // tfjs-node is an optional dependency: it only installs where its native library can be downloaded.
    const moduleName = "@tensorflow/tfjs-node";
    await import(/* @vite-ignore */ moduleName);
    if (!(await tf.setBackend("tensorflow"))) throw new Error("tfjs-node loaded but its backend did not start");
    await tf.ready();
    return { name, description: "tfjs-node (native TensorFlow)" };
  }
  if (name === "wasm") {
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    const distDirectory = await wasmDistDirectory();
    if (distDirectory !== null) wasm.setWasmPaths(distDirectory);
    if (!(await tf.setBackend("wasm"))) throw new Error("the wasm backend did not start");
    await tf.ready();
    const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
    const wasmName = `wasm${simd ? " simd" : " (no simd)"}`;
    const blas = openBlas === "off" ? null : loadOpenBlas(openBlas === "auto" ? undefined : openBlas);
    if (blas?.loaded === true) {
      installBlasMatMulKernels(blas.library);
      openBlasLibrary = blas.library;
      return {
        name,
        description: `${wasmName}, matrix products on ${blas.library.description}`,
        openBlas: blas.library.description,
      };
    }
    if (blas !== null && openBlas !== "auto")
      throw new DeadweightError("BACKEND_UNAVAILABLE", `DEADWEIGHT_OPENBLAS=${openBlas}: ${blas.reason}`);
    installWasmTransposedMatMul();
    return {
      name,
      description: `${wasmName}, transposed-matmul fix, 1 thread`,
      openBlasUnavailable: blas === null ? "turned off (DEADWEIGHT_OPENBLAS=off)" : blas.reason,
    };
  }
  if (!(await tf.setBackend("cpu"))) throw new Error("the cpu backend did not start");
  await tf.ready();
  return {
    name,
    description: "cpu (pure JavaScript)",
    warning: "running on the pure-JavaScript cpu backend: about 20x slower than wasm. Expect long training times.",
  };
}

/** Where the wasm binaries ship in Node (they are read from the package's dist folder, not fetched). */
async function wasmDistDirectory(): Promise<string | null> {
  if (typeof process === "undefined" || process.versions?.node === undefined) return null;
  const { createRequire } = await import("node:module");
  const { dirname } = await import("node:path");
  const require = createRequire(import.meta.url);
  return `${dirname(require.resolve("@tensorflow/tfjs-backend-wasm"))}/`;
}
