import { createHash, randomUUID } from "node:crypto";
import { type FileHandle, mkdir, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { AppError } from "../errors/app-error.js";
import {
  type ArtifactStore,
  announcedHashMismatch,
  assertSha256Name,
  damagedContent,
  missingContent,
  type OpenedContent,
  type PutOptions,
  type StoredContent,
} from "./artifact-store.js";

/** How to reach an S3-compatible service; every field unset means the AWS default. */
export interface S3Settings {
  /** e.g. http://127.0.0.1:9000 for MinIO; unset: AWS S3 itself. */
  readonly endpoint?: string;
  /** Unset: us-east-1 (S3-compatible servers mostly ignore it). */
  readonly region?: string;
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
  /** Only for temporary credentials. */
  readonly sessionToken?: string;
}

export interface S3ArtifactStoreOptions {
  readonly bucket: string;
  /** Key prefix without surrounding slashes; "" puts the content at the bucket's root. */
  readonly prefix: string;
  readonly s3: S3Settings;
  /** Where open() downloads content while verifying it. Default: the OS temporary folder. */
  readonly downloadDirectory?: string;
  /** Size of each part of a multipart upload; at least 5 MiB (S3's minimum). Default 5 MiB. */
  readonly partSizeBytes?: number;
}

/** Artifact bytes in a bucket: <prefix>/<first 2 hex>/<sha256>, uploads under <prefix>/.incoming/. */
export interface S3ArtifactStore extends ArtifactStore {
  readonly bucket: string;
  readonly prefix: string;
  /** The endpoint as people should look for it (the URL, or "AWS S3 (<region>)"). */
  readonly endpoint: string;
  /** Resolves when the bucket exists and accepts the credentials; an Error naming what to fix otherwise. */
  verifyBucket(): Promise<void>;
  /** Closes the client's connections. */
  close(): void;
}

const DEFAULT_REGION = "us-east-1";
// S3's smallest part of a multipart upload (all but the last).
const MIN_PART_BYTES = 5 * 1024 * 1024;
// Parts in flight at once: memory held by an upload is about (queue + 1) x part size.
const UPLOAD_QUEUE_SIZE = 2;

/**
 * The ArtifactStore over an S3-compatible bucket, with the local folder's promises: put streams
 * (multipart, never the whole file in memory) while hashing and counting, and content becomes
 * visible under its name only complete and verified; open verifies size and hash before the first
 * byte is returned.
 */
export function createS3ArtifactStore(options: S3ArtifactStoreOptions): S3ArtifactStore {
  const { bucket, prefix } = options;
  const region = options.s3.region ?? DEFAULT_REGION;
  const endpoint = options.s3.endpoint ?? `AWS S3 (${region})`;
  const location = `s3://${bucket}${prefix === "" ? "" : `/${prefix}`}`;
  const downloadDirectory = options.downloadDirectory ?? tmpdir();
  const partSize = options.partSizeBytes ?? MIN_PART_BYTES;
  const keyBase = prefix === "" ? "" : `${prefix}/`;
  const client = createS3Client(options.s3, region);
  // Named for the messages a person reads when the bucket fails us.
  const where = `artifact store ${location} at ${endpoint}`;

  function keyOf(sha256: string): string {
    assertSha256Name(sha256);
    return `${keyBase}${sha256.slice(0, 2)}/${sha256}`;
  }

  function unavailable(action: string, error: unknown): AppError {
    const { reason, advice } = explainS3Failure(error, bucket);
    return new AppError("INTERNAL", `${where}: could not ${action}: ${reason}; ${advice}`);
  }

  async function put(source: AsyncIterable<Uint8Array>, putOptions: PutOptions): Promise<StoredContent> {
    if (putOptions.expectedSha256 !== undefined) assertSha256Name(putOptions.expectedSha256);
    const hash = createHash("sha256");
    let sizeBytes = 0;
    // Why the upload stopped when it was our decision or the source's failure; anything else is the bucket's.
    let refusal: unknown;
    async function* counted(): AsyncGenerator<Uint8Array> {
      try {
        for await (const chunk of source) {
          sizeBytes += chunk.byteLength;
          if (sizeBytes > putOptions.maxBytes) {
            // Leaving the loop cancels the source, so the rest of the upload is never read.
            throw new AppError(
              "PAYLOAD_TOO_LARGE",
              `the content is larger than the limit of ${putOptions.maxBytes} bytes`,
            );
          }
          hash.update(chunk);
          yield chunk;
        }
      } catch (error) {
        refusal ??= error;
        throw error;
      }
    }
    // Uploaded under a temporary key first: the content-addressed key only ever receives a
    // complete object whose hash is known (a server-side copy, atomic for readers).
    const temporary = `${keyBase}.incoming/${randomUUID()}`;
    const body = Readable.from(counted());
    try {
      try {
        await new Upload({
          client,
          params: { Bucket: bucket, Key: temporary, Body: body },
          partSize,
          queueSize: UPLOAD_QUEUE_SIZE,
        }).done();
      } catch (error) {
        throw refusal ?? unavailable("store an upload", error);
      }
      const sha256 = hash.digest("hex");
      if (putOptions.expectedSha256 !== undefined && putOptions.expectedSha256 !== sha256) {
        throw announcedHashMismatch(putOptions.expectedSha256, sha256);
      }
      const key = keyOf(sha256);
      const alreadyStored = await exists(key).catch((error: unknown) => {
        throw unavailable(`look for sha256 ${sha256}`, error);
      });
      // Copied even when present, like the folder's rename over an existing file: uploading the
      // same bytes again repairs a damaged object, as the "upload the artifact again" advice promises.
      await client
        .send(new CopyObjectCommand({ Bucket: bucket, Key: key, CopySource: copySource(bucket, temporary) }))
        .catch((error: unknown) => {
          throw unavailable(`store sha256 ${sha256}`, error);
        });
      return { sha256, sizeBytes, alreadyStored };
    } finally {
      body.destroy();
      // Best effort: when the bucket is unreachable the temporary object stays under .incoming/,
      // never under a content-addressed key (a lifecycle rule on the prefix can expire it).
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: temporary })).catch(() => {});
    }
  }

  async function exists(key: string): Promise<boolean> {
    try {
      await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return true;
    } catch (error) {
      if (isMissingObject(error)) return false;
      throw error;
    }
  }

  async function openContent(
    sha256: string,
    openOptions: { readonly expectedSizeBytes?: number } = {},
  ): Promise<OpenedContent> {
    const key = keyOf(sha256);
    const expected = openOptions.expectedSizeBytes;
    let object: Awaited<ReturnType<typeof getObject>>;
    try {
      object = await getObject(key);
    } catch (error) {
      if (isMissingObject(error)) throw missingContent(sha256);
      throw unavailable(`read sha256 ${sha256}`, error);
    }
    const objectBody = object.Body as Readable | undefined;
    if (objectBody === undefined) {
      throw new AppError("INTERNAL", `${where}: could not read sha256 ${sha256}: the S3 answer had no body`);
    }
    if (expected !== undefined && object.ContentLength !== undefined && object.ContentLength !== expected) {
      objectBody.destroy();
      throw damaged(sha256, `the stored object has ${object.ContentLength} bytes instead of ${expected}`);
    }
    const path = join(downloadDirectory, `deadweight-artifact-${randomUUID()}.download`);
    let file: FileHandle | undefined;
    try {
      await mkdir(downloadDirectory, { recursive: true });
      file = await open(path, "wx+", 0o600);
      // Downloaded to a file, not memory, and hashed on the way, so the answer is verified before
      // its first byte goes out.
      const hash = createHash("sha256");
      let size = 0;
      try {
        for await (const chunk of objectBody) {
          const bytes = chunk as Buffer;
          size += bytes.byteLength;
          hash.update(bytes);
          await writeAll(file, bytes);
        }
      } catch (error) {
        throw unavailable(`download sha256 ${sha256}`, error);
      }
      if (expected !== undefined && size !== expected) {
        throw damaged(sha256, `the stored object has ${size} bytes instead of ${expected}`);
      }
      const actual = hash.digest("hex");
      if (actual !== sha256) throw damaged(sha256, `the stored bytes now hash to ${actual}`);
      // The name goes now, the open handle keeps the bytes until the stream closes: nothing is left
      // behind when the reader stops early or the process dies.
      await rm(path, { force: true });
      const stream = file.createReadStream({ start: 0, autoClose: true });
      return { stream, sizeBytes: size };
    } catch (error) {
      objectBody.destroy();
      await file?.close().catch(() => {});
      await rm(path, { force: true });
      throw error;
    }
  }

  function getObject(key: string) {
    return client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  }

  async function verifyBucket(): Promise<void> {
    try {
      await client.send(new HeadBucketCommand({ Bucket: bucket }));
    } catch (error) {
      const { reason, advice } = explainS3Failure(error, bucket);
      throw new Error(`${where}: ${reason}; ${advice}`);
    }
  }

  async function remove(sha256: string): Promise<void> {
    const key = keyOf(sha256);
    try {
      // S3 answers a delete of a missing key with success too.
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    } catch (error) {
      throw unavailable(`delete ${key}`, error);
    }
  }

  return {
    location,
    bucket,
    prefix,
    endpoint,
    put,
    open: openContent,
    remove,
    verifyBucket,
    close: () => client.destroy(),
  };
}

function createS3Client(settings: S3Settings, region: string): S3Client {
  const { accessKeyId, secretAccessKey, sessionToken } = settings;
  // Credentials come only from the caller (env is read at the deployable's edge); the SDK's own
  // chain would read the environment and ~/.aws behind our back.
  if (accessKeyId === undefined || secretAccessKey === undefined) {
    const missing =
      accessKeyId === undefined ? "accessKeyId (AWS_ACCESS_KEY_ID)" : "secretAccessKey (AWS_SECRET_ACCESS_KEY)";
    throw new Error(`S3 credentials: ${missing} is not set; give both the access key id and its secret`);
  }
  return new S3Client({
    region,
    ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint }),
    credentials: { accessKeyId, secretAccessKey, ...(sessionToken === undefined ? {} : { sessionToken }) },
    // Keys in the path, not the host name: what S3-compatible servers (MinIO, s3rver) expect.
    forcePathStyle: true,
    // The SDK's default streaming checksums (aws-chunked bodies) are not understood by every
    // S3-compatible server; our own sha256 is the integrity check that matters.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    followRegionRedirects: true,
    // An endpoint that drops packets fails in seconds instead of hanging the request.
    requestHandler: { connectionTimeout: 10_000 },
  });
}

/** Writes every byte: a file write may take fewer bytes than it was given. */
async function writeAll(file: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let offset = 0; offset < bytes.byteLength; ) {
    offset += (await file.write(bytes, offset)).bytesWritten;
  }
}

function copySource(bucket: string, key: string): string {
  return `${bucket}/${key.split("/").map(encodeURIComponent).join("/")}`;
}

function damaged(sha256: string, what: string): AppError {
  return damagedContent(sha256, what, "in the bucket");
}

function isMissingObject(error: unknown): boolean {
  return statusOf(error) === 404 && (error as Error).name !== "NoSuchBucket";
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

// What the SDK calls an error whose answer had no body to name it (HEAD requests).
const UNNAMED_ERRORS = new Set(["Error", "Unknown", "Forbidden", "NotFound", "403", "404"]);

/** What went wrong talking to the bucket, and what a person does about it. */
function explainS3Failure(error: unknown, bucket: string): { reason: string; advice: string } {
  const status = statusOf(error);
  const name = error instanceof Error ? error.name : "Error";
  const detail = error instanceof Error ? error.message : String(error);
  if (status === undefined) {
    const code = (error as NodeJS.ErrnoException | null)?.code;
    return {
      reason: `the S3 endpoint cannot be reached (${code ?? name}: ${detail})`,
      advice: "check that the S3 server is running and that the endpoint (AWS_ENDPOINT_URL) is right",
    };
  }
  if (status === 403 || name === "InvalidAccessKeyId" || name === "SignatureDoesNotMatch") {
    return {
      reason: `the S3 endpoint refused the credentials (HTTP 403${UNNAMED_ERRORS.has(name) ? "" : ` ${name}`})`,
      advice: `check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and that the key may read and write bucket "${bucket}"`,
    };
  }
  if (name === "NoSuchBucket" || (status === 404 && UNNAMED_ERRORS.has(name))) {
    return {
      reason: `the bucket "${bucket}" does not exist`,
      advice: "create it, or correct the bucket in the artifact location (s3://<bucket>/<prefix>)",
    };
  }
  if (status === 301 || name === "PermanentRedirect") {
    return {
      reason: `the bucket "${bucket}" is in another region`,
      advice: "set the bucket's region (AWS_REGION)",
    };
  }
  return {
    reason: `the S3 endpoint answered HTTP ${status} ${name}: ${detail}`,
    advice: "check the S3 server's logs",
  };
}
