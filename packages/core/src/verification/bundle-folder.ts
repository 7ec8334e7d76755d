/**
 * Bundles on disk. With verify-bundle-in-fresh-process.ts, the only part of the core that touches
 * the filesystem: checking the files a device will receive means reading those very files. It
 * touches only the paths its caller names, and loads node:fs lazily so that importing the core
 * stays possible in a browser.
 */

import { checkFileIntegrity, digestFiles, type FileDigest, type IntegrityReport } from "../bundle/file-digest.js";
import type { BundleFile } from "../bundle/model-bundle.js";
import { encodeBinaryDataset } from "../data/binary-dataset-format.js";
import type { Dataset } from "../data/dataset.js";

/**
 * Writes the files into `folder` (created if missing) and returns each file's size and sha256 as
 * read back from disk: the real bytes a budget is checked against.
 */
export async function writeBundleFolder(folder: string, files: readonly BundleFile[]): Promise<FileDigest[]> {
  const { mkdir, writeFile } = await import("node:fs/promises");
  const { join } = await import("node:path");
  await mkdir(folder, { recursive: true });
  for (const file of files) await writeFile(join(folder, file.name), file.bytes);
  return digestFiles(
    await readBundleFiles(
      folder,
      files.map((file) => file.name),
    ),
  );
}

/** Every regular file of `folder` (sorted by name), as a bundle's files. */
export async function readBundleFolder(folder: string): Promise<BundleFile[]> {
  const { readdir } = await import("node:fs/promises");
  const entries = await readdir(folder, { withFileTypes: true });
  const names = entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
  return readBundleFiles(folder, names.sort());
}

/** Compares the files now in `folder` with the digests recorded at export (see checkFileIntegrity). */
export async function checkBundleFolder(folder: string, expected: readonly FileDigest[]): Promise<IntegrityReport> {
  return checkFileIntegrity(await readBundleFolder(folder), expected);
}

/** Writes `dataset` in the binary format the standalone verifier reads (see encodeBinaryDataset). */
export async function writeBinaryDatasetFile(path: string, dataset: Dataset): Promise<void> {
  const { mkdir, writeFile } = await import("node:fs/promises");
  const { dirname } = await import("node:path");
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, encodeBinaryDataset(dataset));
}

async function readBundleFiles(folder: string, names: readonly string[]): Promise<BundleFile[]> {
  const { readFile } = await import("node:fs/promises");
  const { join } = await import("node:path");
  return Promise.all(
    names.map(async (name) => {
      const buffer = await readFile(join(folder, name));
      return { name, bytes: new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength) };
    }),
  );
}
