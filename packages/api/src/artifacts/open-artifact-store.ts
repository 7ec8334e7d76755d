import { join, resolve } from "node:path";
import { parseArtifactLocation } from "./artifact-location.js";
import { type ArtifactStore, createArtifactStore, createFolderArtifactStore } from "./artifact-store.js";
import { createS3ArtifactStore, type S3Settings } from "./s3-artifact-store.js";

export interface OpenArtifactStoreOptions {
  /** The server's data folder: the default place of the bytes, and what a relative folder is relative to. */
  readonly dataDir: string;
  /** How to reach the S3 service of an s3:// location (see readS3Env for the environment's). */
  readonly s3?: S3Settings;
}

/**
 * The artifact store at `location`: a folder (relative to dataDir; unset: <dataDir>/artifacts) or
 * s3://<bucket>/<prefix>, whose bucket is checked to exist and accept the credentials before this
 * resolves; an Error naming what to fix otherwise (the location, the endpoint, the bucket or the
 * credentials).
 */
export async function openArtifactStore(
  location: string | undefined,
  options: OpenArtifactStoreOptions,
): Promise<ArtifactStore> {
  if (location === undefined) return createArtifactStore(options.dataDir);
  const parsed = parseArtifactLocation(location);
  if (parsed.kind === "folder") return createFolderArtifactStore(resolve(options.dataDir, parsed.path));
  const store = createS3ArtifactStore({
    bucket: parsed.bucket,
    prefix: parsed.prefix,
    s3: options.s3 ?? {},
    // Beside the data, which has room for artifacts; the OS temporary folder is often a small tmpfs.
    downloadDirectory: join(resolve(options.dataDir), "artifact-downloads"),
  });
  try {
    await store.verifyBucket();
  } catch (error) {
    store.close();
    throw error;
  }
  return store;
}
