import { DeadweightError } from "../errors.js";
import type { BundleFile } from "./model-bundle.js";

/** A file's name, size and sha256: what a model card records so a copy can be checked later. */
export interface FileDigest {
  readonly name: string;
  readonly bytes: number;
  /** Lowercase hex. */
  readonly sha256: string;
}

/** The lowercase hex sha256 of `bytes` (WebCrypto: the same in Node and in a browser). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  // The DOM lib's BufferSource wants an ArrayBuffer-backed view; Node's typings take any Uint8Array.
  const digest = await globalThis.crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Name, size and sha256 of every file, in order. */
export async function digestFiles(files: readonly BundleFile[]): Promise<FileDigest[]> {
  return Promise.all(
    files.map(async (file) => ({ name: file.name, bytes: file.bytes.byteLength, sha256: await sha256Hex(file.bytes) })),
  );
}

/** What checking files against their recorded digests found: one line per file that differs, is missing or is extra. */
export interface IntegrityReport {
  readonly intact: boolean;
  readonly problems: string[];
}

/** Compares files with the digests recorded at export: a changed byte, a missing or an unexpected file is a problem. */
export async function checkFileIntegrity(
  files: readonly BundleFile[],
  expected: readonly FileDigest[],
): Promise<IntegrityReport> {
  return compareDigests(await digestFiles(files), expected);
}

/** Compares digests taken now with those recorded at export (same rules as checkFileIntegrity). */
export function compareDigests(actual: readonly FileDigest[], expected: readonly FileDigest[]): IntegrityReport {
  const found = new Map(actual.map((digest) => [digest.name, digest]));
  const problems: string[] = [];
  for (const recorded of expected) {
    const digest = found.get(recorded.name);
    if (digest === undefined) {
      problems.push(`${recorded.name} is missing`);
    } else if (digest.sha256 !== recorded.sha256) {
      problems.push(
        `${recorded.name} has sha256 ${digest.sha256} (${digest.bytes} bytes) but ${recorded.sha256} (${recorded.bytes} bytes) was recorded`,
      );
    }
    found.delete(recorded.name);
  }
  for (const extra of found.keys()) problems.push(`${extra} was not part of the export`);
  return { intact: problems.length === 0, problems };
}

/**
 * Throws BUNDLE_INTEGRITY, listing every differing file, when `files` are not the files whose
 * digests were recorded at export (tampered with, truncated, or swapped for another bundle's).
 */
export async function assertFileIntegrity(
  files: readonly BundleFile[],
  expected: readonly FileDigest[],
  sourceName = "bundle",
): Promise<void> {
  const report = await checkFileIntegrity(files, expected);
  if (!report.intact) {
    throw new DeadweightError(
      "BUNDLE_INTEGRITY",
      `${sourceName}: the files are not the ones exported: ${report.problems.join("; ")}. Do not deploy it; export the candidate again.`,
    );
  }
}
