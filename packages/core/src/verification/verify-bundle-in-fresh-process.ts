/**
 * Verified exports: a bundle is reloaded in a new `node` process by verifier/verify-bundle.mjs,
 * which uses plain @tensorflow/tfjs and no Deadweight code, and must reproduce the accuracy the
 * bundle is stored with. Node only (child_process, fs), loaded lazily so the core still imports in
 * a browser; it touches only the paths its caller names.
 */
import { BUNDLE_EVALUATION_CHUNK_SIZE, type BundleAccuracy } from "../bundle/evaluate-model-bundle.js";
import { compareDigests, type FileDigest } from "../bundle/file-digest.js";
import type { ModelBundle } from "../bundle/model-bundle.js";
import { DeadweightError } from "../errors.js";
import { writeBundleFolder } from "./bundle-folder.js";

/** What the standalone verifier measured, and against what. */
export interface BundleVerification {
  readonly folder: string;
  readonly testSetFile: string;
  /** The stored accuracy the verifier had to reproduce. */
  readonly expected: { readonly correct: number; readonly samples: number };
  readonly measured: BundleAccuracy;
  /** How many samples the two counts were allowed to differ by. */
  readonly toleranceSamples: number;
  readonly verifier: {
    readonly script: string;
    readonly backend: string;
    readonly tfjsVersion: string;
    readonly seconds: number;
  };
  /** Size and sha256 of every file in the folder, as the verifier read them. */
  readonly files: FileDigest[];
}

export interface VerifyBundleOptions {
  /** The folder holding model.json and the weight files. */
  readonly folder: string;
  /** A binary dataset file (writeBinaryDatasetFile) holding the test set the stored accuracy was measured on. */
  readonly testSetFile: string;
  /** The stored accuracy, as evaluateModelBundle measured it. */
  readonly expected: Pick<BundleAccuracy, "correct" | "samples">;
  /** When given, the folder's files must have exactly these digests (those recorded at export). */
  readonly expectedFiles?: readonly FileDigest[];
  /**
   * Samples the verifier's count may differ by. Default 0: the verifier runs the same TF.js build on
   * the wasm backend with the same batches, so the count is reproduced exactly when the stored one
   * was measured on plain wasm too; verificationToleranceSamples says how many to allow otherwise.
   */
  readonly toleranceSamples?: number;
  readonly backend?: "wasm" | "cpu";
  /** The node binary to start (default: the one running this process). */
  readonly nodeExecutable?: string;
  /** Milliseconds before the verifier is killed (default 10 minutes). */
  readonly timeoutMs?: number;
}

/** Absolute path of the standalone verifier script. */
export async function verifierScriptPath(): Promise<string> {
  const { fileURLToPath } = await import("node:url");
  return fileURLToPath(new URL("../../verifier/verify-bundle.mjs", import.meta.url));
}

/**
 * Reloads the bundle in `folder` in a fresh node process with plain TF.js and checks that it
 * classifies the test set exactly as stored (and, when digests are given, that its files are the
 * exported ones). Throws VERIFICATION_FAILED, with both counts, on a mismatch or when the verifier
 * cannot load or evaluate the bundle; BUNDLE_INTEGRITY when a file's sha256 differs.
 */
export async function verifyBundleFolder(options: VerifyBundleOptions): Promise<BundleVerification> {
  const [verification] = await verifyBundleFolders([options]);
  return verification!;
}

/**
 * verifyBundleFolder for several bundles in ONE fresh process (TF.js starts once): they must share
 * the test set, backend, node binary and timeout. Checks each as verifyBundleFolder does, in order,
 * and throws at the first that fails.
 */
export async function verifyBundleFolders(list: readonly VerifyBundleOptions[]): Promise<BundleVerification[]> {
  const first = list[0];
  if (first === undefined) return [];
  const shared = (option: VerifyBundleOptions) =>
    [option.testSetFile, option.backend ?? "wasm", option.nodeExecutable ?? "", option.timeoutMs ?? 0].join("\u0000");
  if (list.some((options) => shared(options) !== shared(first))) {
    throw new DeadweightError(
      "INVALID_OPTION",
      "bundles verified in one process must share the test set, backend, node binary and timeout",
    );
  }
  for (const options of list) {
    const toleranceSamples = options.toleranceSamples ?? 0;
    if (!Number.isInteger(toleranceSamples) || toleranceSamples < 0) {
      throw new DeadweightError(
        "INVALID_OPTION",
        `toleranceSamples must be a non-negative integer, got ${toleranceSamples}`,
      );
    }
  }
  const script = await verifierScriptPath();
  const backend = first.backend ?? "wasm";
  const reports = await runVerifier(list, script, backend);
  return list.map((options, index) => checkReport(options, reports[index]!, script, backend));
}

function checkReport(
  options: VerifyBundleOptions,
  report: VerifierReport,
  script: string,
  backend: string,
): BundleVerification {
  const toleranceSamples = options.toleranceSamples ?? 0;
  const files = report.files;
  if (options.expectedFiles !== undefined) assertSameDigests(options.folder, files, options.expectedFiles);
  const { expected } = options;
  if (report.samples !== expected.samples) {
    throw new DeadweightError(
      "VERIFICATION_FAILED",
      `bundle ${options.folder}: the verifier evaluated ${report.samples} test samples but the stored accuracy counts ${expected.samples}; use the test set the accuracy was measured on`,
    );
  }
  if (Math.abs(report.correct - expected.correct) > toleranceSamples) {
    throw new DeadweightError(
      "VERIFICATION_FAILED",
      `bundle ${options.folder}: reloaded with plain TF.js in a fresh process it classifies ${report.correct}/${report.samples} test samples correctly (${percent(report.correct, report.samples)}) but ${expected.correct}/${expected.samples} (${percent(expected.correct, expected.samples)}) is stored (tolerance ${toleranceSamples} samples). The files do not hold the model that was measured: do not deploy them; export the candidate again.`,
    );
  }
  return {
    folder: options.folder,
    testSetFile: options.testSetFile,
    expected: { correct: expected.correct, samples: expected.samples },
    measured: { correct: report.correct, samples: report.samples, accuracy: report.accuracy },
    toleranceSamples,
    verifier: { script, backend: report.backend || backend, tfjsVersion: report.tfjsVersion, seconds: report.seconds },
    files,
  };
}

/**
 * Writes the bundle into `folder`, then verifies it there (verifyBundleFolder) against its stored
 * accuracy and the digests of the bytes just written. The folder must hold nothing else: a stray
 * file is reported as not part of the export.
 */
export async function exportVerifiedBundle(
  bundle: ModelBundle,
  options: Omit<VerifyBundleOptions, "expectedFiles">,
): Promise<BundleVerification> {
  const written = await writeBundleFolder(options.folder, bundle.files);
  return verifyBundleFolder({ ...options, expectedFiles: written });
}

/**
 * exportVerifiedBundle for several bundles, verified in one fresh process: each is written into its
 * own (empty) folder first.
 */
export async function exportVerifiedBundles(
  exports: readonly { readonly bundle: ModelBundle; readonly options: Omit<VerifyBundleOptions, "expectedFiles"> }[],
): Promise<BundleVerification[]> {
  const written: VerifyBundleOptions[] = [];
  for (const { bundle, options } of exports) {
    written.push({ ...options, expectedFiles: await writeBundleFolder(options.folder, bundle.files) });
  }
  return verifyBundleFolders(written);
}

interface VerifierReport {
  readonly samples: number;
  readonly correct: number;
  readonly accuracy: number;
  readonly backend: string;
  readonly tfjsVersion: string;
  readonly seconds: number;
  readonly files: FileDigest[];
}

async function runVerifier(
  list: readonly VerifyBundleOptions[],
  script: string,
  backend: string,
): Promise<VerifierReport[]> {
  const { execFile } = await import("node:child_process");
  const first = list[0]!;
  const args = [
    script,
    ...list.flatMap((options) => ["--bundle", options.folder]),
    "--test-set",
    first.testSetFile,
    "--backend",
    backend,
    "--chunk-size",
    String(BUNDLE_EVALUATION_CHUNK_SIZE),
  ];
  const { stdout, stderr, exitError } = await new Promise<{ stdout: string; stderr: string; exitError: Error | null }>(
    (resolve) => {
      execFile(
        first.nodeExecutable ?? process.execPath,
        args,
        { timeout: first.timeoutMs ?? 600_000, maxBuffer: 16 * 1024 * 1024 },
        (error, out, err) => resolve({ stdout: String(out), stderr: String(err), exitError: error }),
      );
    },
  );
  const lines = stdout
    .trim()
    .split("\n")
    .filter((line) => line.startsWith("{"));
  const parsed = lines.map((line): ({ ok: true } & VerifierReport) | { ok: false; error: string } | null => {
    try {
      return JSON.parse(line);
    } catch {
      return null;
    }
  });
  const failure = parsed.find((entry) => entry !== null && entry.ok === false) as { error: string } | undefined;
  const reports = parsed.filter((entry): entry is { ok: true } & VerifierReport => entry !== null && entry.ok === true);
  if (failure !== undefined || reports.length !== list.length) {
    const folder = list[reports.length]?.folder ?? first.folder;
    const reason =
      failure !== undefined
        ? failure.error
        : `${exitError?.message ?? "no report"}${stderr.trim() === "" ? "" : `: ${stderr.trim().split("\n").slice(-3).join(" | ")}`}`;
    throw new DeadweightError(
      "VERIFICATION_FAILED",
      `bundle ${folder}: the standalone verifier could not evaluate it: ${reason}`,
    );
  }
  return reports;
}

function assertSameDigests(folder: string, actual: readonly FileDigest[], expected: readonly FileDigest[]): void {
  const report = compareDigests(actual, expected);
  if (!report.intact) {
    throw new DeadweightError(
      "BUNDLE_INTEGRITY",
      `bundle ${folder}: the verifier read files that are not the ones exported: ${report.problems.join("; ")}. Do not deploy it; export the candidate again.`,
    );
  }
}

function percent(correct: number, samples: number): string {
  return `${((100 * correct) / samples).toFixed(2)}%`;
}
