import { createRequire } from "node:module";

/** Row-major single-precision GEMM, C = A·B (each optionally transposed), as cblas_sgemm computes it. */
export interface SgemmCall {
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  /** Rows of op(A) and of C. */
  readonly m: number;
  /** Columns of op(B) and of C. */
  readonly n: number;
  /** Columns of op(A), rows of op(B). */
  readonly k: number;
  /** A as stored: m x k, or k x m when transposed. */
  readonly a: Float32Array;
  /** B as stored: k x n, or n x k when transposed. */
  readonly b: Float32Array;
  /** m x n: overwritten, or added to with `accumulate`. */
  readonly c: Float32Array;
  /** C = A·B + C (BLAS's beta = 1) instead of C = A·B. */
  readonly accumulate?: boolean;
}

/** OpenBLAS loaded into this process: its sgemm and its thread pool (one per process). */
export interface OpenBlasLibrary {
  /** What OpenBLAS says it is ("OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64") and where it was loaded from. */
  readonly description: string;
  sgemm(call: SgemmCall): void;
  /** Sets how many threads every later sgemm of this process may use. */
  setThreads(threads: number): void;
  threads(): number;
}

export type OpenBlasLoad =
  | { readonly loaded: true; readonly library: OpenBlasLibrary }
  | { readonly loaded: false; readonly reason: string };

const CBLAS_ROW_MAJOR = 101;
const CBLAS_NO_TRANS = 111;
const CBLAS_TRANS = 112;

/** The names tried when no path is given: Debian's libopenblas0 (pthread) provides the first. */
export const OPENBLAS_LIBRARY_NAMES = ["libopenblas.so.0", "libopenblas.so", "libopenblas.dylib"] as const;

/**
 * Loads OpenBLAS through koffi (an FFI whose compiled binding ships in the npm package): the
 * library at `path`, or the first of OPENBLAS_LIBRARY_NAMES the system linker finds. Never throws:
 * a missing koffi or library comes back as `loaded: false` with the reason and what to install.
 */
export function loadOpenBlas(path?: string): OpenBlasLoad {
  let koffi: typeof import("koffi");
  try {
    koffi = createRequire(import.meta.url)("koffi");
  } catch (error) {
    return { loaded: false, reason: `koffi (an optional dependency) did not load: ${firstLine(error)}` };
  }
  const candidates = path === undefined ? OPENBLAS_LIBRARY_NAMES : [path];
  const failures: string[] = [];
  for (const candidate of candidates) {
    try {
      const handle = koffi.load(candidate);
      const sgemm = handle.func(
        "void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha, const float *a, int lda, const float *b, int ldb, float beta, _Inout_ float *c, int ldc)",
      );
      const setThreads = handle.func("void openblas_set_num_threads(int threads)");
      const getThreads = handle.func("int openblas_get_num_threads()");
      const config = handle.func("const char *openblas_get_config()");
      const library: OpenBlasLibrary = {
        description: `${String(config()).trim()} (${candidate})`,
        sgemm: ({ transposeA, transposeB, m, n, k, a, b, c, accumulate = false }) => {
          if (m === 0 || n === 0) return;
          if (k === 0) {
            if (!accumulate) c.fill(0, 0, m * n);
            return;
          }
          sgemm(
            CBLAS_ROW_MAJOR,
            transposeA ? CBLAS_TRANS : CBLAS_NO_TRANS,
            transposeB ? CBLAS_TRANS : CBLAS_NO_TRANS,
            m,
            n,
            k,
            1,
            a,
            transposeA ? m : k,
            b,
            transposeB ? k : n,
            accumulate ? 1 : 0,
            c,
            n,
          );
        },
        setThreads: (threads) => setThreads(threads),
        threads: () => getThreads() as number,
      };
      return { loaded: true, library };
    } catch (error) {
      failures.push(`${candidate}: ${firstLine(error)}`);
    }
  }
  return {
    loaded: false,
    reason: `OpenBLAS did not load (${failures.join("; ")}). Install it (Debian/Ubuntu: sudo apt-get install libopenblas0) or set DEADWEIGHT_OPENBLAS to the library's path`,
  };
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}
