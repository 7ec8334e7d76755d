import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buffer } from "node:stream/consumers";
import { ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { startS3Server, type TestS3Server } from "@deadweight/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openArtifactStore } from "../src/artifacts/open-artifact-store.js";
import { createS3ArtifactStore, type S3ArtifactStore, type S3Settings } from "../src/artifacts/s3-artifact-store.js";
import { AppError } from "../src/errors/app-error.js";
import { chunked, describeArtifactStoreBehaviour, randomBytes, sha256Of } from "./artifact-store-behaviour.js";

const work = mkdtempSync(join(tmpdir(), "deadweight-s3-artifact-store-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let server: TestS3Server;
let bucket: S3Client;
const stores: S3ArtifactStore[] = [];
beforeAll(async () => {
  server = await startS3Server();
  bucket = clientOf(server);
});
afterAll(() => {
  for (const store of stores) store.close();
  bucket.destroy();
});

function settingsOf(s3: TestS3Server): S3Settings {
  return { endpoint: s3.endpoint, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey };
}

/** A client of our own, to look at the bucket behind the store's back. */
function clientOf(s3: TestS3Server): S3Client {
  return new S3Client({
    endpoint: s3.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    forcePathStyle: true,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

function storeOn(s3: TestS3Server, prefix: string, downloadDirectory = join(work, prefix)): S3ArtifactStore {
  const store = createS3ArtifactStore({ bucket: s3.bucket, prefix, s3: settingsOf(s3), downloadDirectory });
  stores.push(store);
  return store;
}

async function keysUnder(client: S3Client, s3: TestS3Server, prefix: string): Promise<string[]> {
  const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: `${prefix}/` }));
  return (listed.Contents ?? []).map((object) => object.Key ?? "").sort();
}

function filesIn(folder: string): string[] {
  try {
    return readdirSync(folder);
  } catch {
    return [];
  }
}

describeArtifactStoreBehaviour("S3 bucket", async () => {
  const prefix = "behaviour";
  const store = storeOn(server, prefix);
  return {
    store,
    incoming: () => keysUnder(bucket, server, `${prefix}/.incoming`),
    copiesOf: async (sha256) => (await keysUnder(bucket, server, prefix)).filter((key) => key.endsWith(sha256)).length,
    overwrite: async (sha256, bytes) => {
      await bucket.send(
        new PutObjectCommand({ Bucket: server.bucket, Key: `${prefix}/${sha256.slice(0, 2)}/${sha256}`, Body: bytes }),
      );
    },
  };
});

describe("S3 artifact store", () => {
  it("names objects <prefix>/<first 2 hex>/<sha256> and keeps no download file once the stream is read", async () => {
    const store = storeOn(server, "layout/deeper");
    const bytes = randomBytes(70_000, 11);
    const { sha256 } = await store.put(chunked(bytes).source, { maxBytes: 100_000 });
    expect(store.location).toBe(`s3://${server.bucket}/layout/deeper`);
    expect(await keysUnder(bucket, server, "layout")).toEqual([`layout/deeper/${sha256.slice(0, 2)}/${sha256}`]);

    const opened = await store.open(sha256, { expectedSizeBytes: bytes.length });
    // Verified into a file whose name is already gone: nothing to clean up, whatever the reader does.
    expect(filesIn(join(work, "layout/deeper"))).toEqual([]);
    expect(sha256Of(await buffer(opened.stream))).toBe(sha256);
  });

  it("releases the download when a reader stops early", async () => {
    const store = storeOn(server, "early-stop");
    const bytes = randomBytes(3 * 1024 * 1024, 12);
    const { sha256 } = await store.put(chunked(bytes).source, { maxBytes: bytes.length });
    const opened = await store.open(sha256);
    const closed = new Promise((resolve) => opened.stream.once("close", resolve));
    opened.stream.destroy();
    await closed;
    expect(filesIn(join(work, "early-stop"))).toEqual([]);
  });

  it("fails clearly, naming the endpoint, when the S3 server stops in the middle of an upload, and stores nothing", async () => {
    const own = await startS3Server();
    const store = storeOn(own, "interrupted");
    const oneMiB = randomBytes(1024 * 1024, 13);
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    // 7 MiB arrive at once (the first 5 MiB part goes out), then the client goes slow.
    async function* slowClient() {
      for (let index = 0; index < 12; index++) {
        if (index === 7) await released;
        yield oneMiB;
      }
    }
    const outcome = store.put(slowClient(), { maxBytes: 64 * 1024 * 1024 }).then(
      () => new Error("expected the upload to fail"),
      (error: unknown) => error,
    );
    await own.answered((answer) => answer.method === "PUT" && answer.url.includes("partNumber=1"));
    await own.stop();
    release();

    const error = await outcome;
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("INTERNAL");
    expect((error as AppError).message).toContain(`artifact store s3://${own.bucket}/interrupted at ${own.endpoint}`);
    expect((error as AppError).message).toMatch(/could not store an upload: the S3 endpoint cannot be reached/);

    const restarted = await startS3Server({ directory: own.directory, port: own.port, bucket: own.bucket });
    const look = clientOf(restarted);
    try {
      const keys = await keysUnder(look, restarted, "interrupted");
      expect(keys.filter((key) => !key.startsWith("interrupted/.incoming/"))).toEqual([]);
    } finally {
      look.destroy();
    }
  });
});

describe("openArtifactStore", () => {
  it("opens a bucket that exists and accepts the credentials", async () => {
    const store = await openArtifactStore(`s3://${server.bucket}/opened`, {
      dataDir: join(work, "data"),
      s3: settingsOf(server),
    });
    stores.push(store as S3ArtifactStore);
    expect(store.location).toBe(`s3://${server.bucket}/opened`);
    const bytes = randomBytes(1000, 14);
    const { sha256 } = await store.put(chunked(bytes).source, { maxBytes: 1000 });
    expect(sha256Of(await buffer((await store.open(sha256)).stream))).toBe(sha256);
  });

  it("opens a folder relative to the data directory, and the embedded default without a location", async () => {
    const dataDir = join(work, "data");
    expect((await openArtifactStore("bytes", { dataDir })).location).toBe(join(dataDir, "bytes"));
    expect((await openArtifactStore(undefined, { dataDir })).location).toBe(join(dataDir, "artifacts"));
  });

  it("names the bucket when it does not exist", async () => {
    await expect(openArtifactStore("s3://no-such-bucket/x", { dataDir: work, s3: settingsOf(server) })).rejects.toThrow(
      `artifact store s3://no-such-bucket/x at ${server.endpoint}: the bucket "no-such-bucket" does not exist; create it, or correct the bucket`,
    );
  });

  it("says the credentials were refused when the access key is unknown", async () => {
    // s3rver checks the access key id (it does not verify SigV4 signatures, so a wrong secret alone passes).
    await expect(
      openArtifactStore(`s3://${server.bucket}/x`, {
        dataDir: work,
        s3: { ...settingsOf(server), accessKeyId: "NOT-A-KEY" },
      }),
    ).rejects.toThrow(
      /the S3 endpoint refused the credentials \(HTTP 403\); check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/,
    );
  });

  it("says the endpoint cannot be reached when nothing listens there", async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    await expect(
      openArtifactStore(`s3://${server.bucket}/x`, { dataDir: work, s3: { ...settingsOf(server), endpoint } }),
    ).rejects.toThrow(
      new RegExp(
        `artifact store s3://${server.bucket}/x at ${endpoint}: the S3 endpoint cannot be reached \\(ECONNREFUSED.*check that the S3 server is running`,
      ),
    );
  });

  it("asks for both halves of the credentials", async () => {
    await expect(
      openArtifactStore(`s3://${server.bucket}/x`, { dataDir: work, s3: { endpoint: server.endpoint } }),
    ).rejects.toThrow("S3 credentials: accessKeyId (AWS_ACCESS_KEY_ID) is not set");
  });

  it("refuses a location it cannot use, naming it", async () => {
    await expect(openArtifactStore("gs://bucket/x", { dataDir: work })).rejects.toThrow(
      'artifact location "gs://bucket/x": "gs://" is not supported; give a folder or s3://<bucket>/<prefix>',
    );
  });
});

/** A port nothing listens on: one the OS just handed out and took back. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}
