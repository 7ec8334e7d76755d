import { createHash, randomUUID } from "node:crypto";
import { type FileHandle, mkdir, open, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { pipeline, type Readable, Transform } from "node:stream";
import { AppError } from "../errors/app-error.js";

/** A sha256 as the store names files: 64 lowercase hex digits. */
export const SHA256_PATTERN = /^[0-9a-f]{64}$/;

export interface PutOptions {
  /** Bytes beyond this abort the upload with PAYLOAD_TOO_LARGE. */
  readonly maxBytes: number;
  /** When given, content that hashes to anything else is rejected with BAD_REQUEST. */
  readonly expectedSha256?: string;
}

export interface StoredContent {
  readonly sha256: string;
  readonly sizeBytes: number;
  /** True when identical content was already in the store (it is still stored once). */
  readonly alreadyStored: boolean;
}

export interface OpenedContent {
  /** The verified bytes; errors before its end if the file changes on disk while it is read. */
  readonly stream: Readable;
  readonly sizeBytes: number;
}

/**
 * Artifact bytes, content-addressed by sha256: a local folder (createArtifactStore) or an
 * S3-compatible bucket (createS3ArtifactStore). Both promise the same behaviour.
 */
export interface ArtifactStore {
  /** Where the bytes live, for people: a folder or s3://bucket/prefix. */
  readonly location: string;
  /** Streams `source` into the store while hashing and counting; identical content is stored once. */
  put(source: AsyncIterable<Uint8Array>, options: PutOptions): Promise<StoredContent>;
  /**
   * A read stream over the content named `sha256`, after checking it is there, has the expected
   * size and still hashes to its name; INTERNAL with a clear message otherwise.
   */
  open(sha256: string, options?: { readonly expectedSizeBytes?: number }): Promise<OpenedContent>;
  /**
   * Deletes the content named `sha256`; nothing happens when it is not there. The caller makes sure
   * no record names it any more (see releaseUnreferencedContent): content is shared by its hash.
   */
  remove(sha256: string): Promise<void>;
  /** Releases what the store holds open (an S3 client); absent for a folder. */
  close?(): void;
}

/** Artifact bytes on disk, content-addressed: <root>/<first 2 hex>/<sha256>. */
export interface LocalArtifactStore extends ArtifactStore {
  readonly root: string;
  /** Where the content named `sha256` lives (or would live). */
  pathOf(sha256: string): string;
}

const READ_CHUNK_BYTES = 1024 * 1024;

/** The embedded default: the artifact bytes in <dataDir>/artifacts. */
export function createArtifactStore(dataDir: string): LocalArtifactStore {
  return createFolderArtifactStore(join(dataDir, "artifacts"));
}

/** Artifact bytes in the folder `root` (created when the first artifact arrives). */
export function createFolderArtifactStore(root: string): LocalArtifactStore {
  // Incoming files live under the store's root, on the same file system as their final place, so
  // the final rename is atomic: a reader never sees a half-written artifact.
  const incoming = join(root, ".incoming");

  function pathOf(sha256: string): string {
    // The name becomes a path: anything but a sha256 (e.g. "../") must never reach the file system.
    assertSha256Name(sha256);
    return join(root, sha256.slice(0, 2), sha256);
  }

  async function put(source: AsyncIterable<Uint8Array>, options: PutOptions): Promise<StoredContent> {
    if (options.expectedSha256 !== undefined) assertSha256Name(options.expectedSha256);
    await mkdir(incoming, { recursive: true });
    const temporary = join(incoming, `${randomUUID()}.part`);
    const hash = createHash("sha256");
    let sizeBytes = 0;
    let file: FileHandle | undefined;
    try {
      file = await open(temporary, "wx");
      for await (const chunk of source) {
        sizeBytes += chunk.byteLength;
        if (sizeBytes > options.maxBytes) {
          // Leaving the loop cancels the source, so the rest of the upload is never read.
          throw new AppError("PAYLOAD_TOO_LARGE", `the content is larger than the limit of ${options.maxBytes} bytes`);
        }
        hash.update(chunk);
        await file.write(chunk);
      }
      await file.sync();
      await file.close();
      file = undefined;
      const sha256 = hash.digest("hex");
      if (options.expectedSha256 !== undefined && options.expectedSha256 !== sha256) {
        throw announcedHashMismatch(options.expectedSha256, sha256);
      }
      const target = pathOf(sha256);
      await mkdir(join(root, sha256.slice(0, 2)), { recursive: true });
      const alreadyStored = await exists(target);
      // Renaming over an existing copy is atomic too, and replaces a damaged copy with good bytes.
      await rename(temporary, target);
      return { sha256, sizeBytes, alreadyStored };
    } catch (error) {
      await file?.close().catch(() => {});
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async function openContent(
    sha256: string,
    options: { readonly expectedSizeBytes?: number } = {},
  ): Promise<OpenedContent> {
    const path = pathOf(sha256);
    let file: FileHandle;
    try {
      file = await open(path, "r");
    } catch (error) {
      if (isMissing(error)) throw missingContent(sha256);
      throw error;
    }
    try {
      const { size } = await file.stat();
      if (options.expectedSizeBytes !== undefined && size !== options.expectedSizeBytes) {
        throw damaged(sha256, `the stored file has ${size} bytes instead of ${options.expectedSizeBytes}`);
      }
      // Verified before the first byte is sent, so a damaged file gets a clear error, not a
      // response that silently carries the wrong bytes.
      const actual = await hashOfFile(file, size);
      if (actual !== sha256) throw damaged(sha256, `the stored bytes now hash to ${actual}`);
      // The same open file is read again: a rename over the path cannot swap the bytes, and an
      // in-place change while streaming is caught by hashing once more on the way out.
      const verified = verifyingStream(sha256);
      pipeline(file.createReadStream({ start: 0, autoClose: true }), verified, () => {});
      return { stream: verified, sizeBytes: size };
    } catch (error) {
      await file.close().catch(() => {});
      throw error;
    }
  }

  async function remove(sha256: string): Promise<void> {
    await rm(pathOf(sha256), { force: true });
  }

  return { location: root, root, put, open: openContent, remove, pathOf };
}

/** BAD_REQUEST unless `sha256` is 64 lowercase hex digits (names become paths and keys). */
export function assertSha256Name(sha256: string): void {
  if (!SHA256_PATTERN.test(sha256))
    throw new AppError("BAD_REQUEST", `sha256: "${sha256}" is not 64 lowercase hex digits`, "sha256");
}

/** The BAD_REQUEST of content whose bytes do not hash to the sha256 its uploader announced. */
export function announcedHashMismatch(announced: string, actual: string): AppError {
  return new AppError(
    "BAD_REQUEST",
    `sha256: the content was announced as sha256 ${announced} but its bytes hash to ${actual}; the upload was corrupted or the announced hash is wrong`,
    "sha256",
  );
}

/** The INTERNAL error of content the metadata names but the store no longer has. */
export function missingContent(sha256: string): AppError {
  return new AppError(
    "INTERNAL",
    `the stored bytes of sha256 ${sha256} are missing from the artifact store; upload the artifact again`,
  );
}

/** The INTERNAL error of stored content that no longer matches its name; `where` it was changed. */
export function damagedContent(sha256: string, what: string, where: string): AppError {
  return new AppError(
    "INTERNAL",
    `the stored bytes of sha256 ${sha256} are damaged (${what}); they were changed ${where}, upload the artifact again`,
  );
}

function damaged(sha256: string, what: string): AppError {
  return damagedContent(sha256, what, "on disk");
}

async function hashOfFile(file: FileHandle, size: number): Promise<string> {
  const hash = createHash("sha256");
  const buffer = Buffer.allocUnsafe(Math.min(READ_CHUNK_BYTES, Math.max(size, 1)));
  let position = 0;
  for (;;) {
    const { bytesRead } = await file.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) break;
    hash.update(buffer.subarray(0, bytesRead));
    position += bytesRead;
  }
  return hash.digest("hex");
}

function verifyingStream(sha256: string): Transform {
  const hash = createHash("sha256");
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      const actual = hash.digest("hex");
      callback(
        actual === sha256 ? null : damaged(sha256, `the bytes changed while being read and now hash to ${actual}`),
      );
    },
  });
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

function isMissing(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === "ENOENT";
}
