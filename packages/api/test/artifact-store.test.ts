import { createHash } from "node:crypto";
import {
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buffer } from "node:stream/consumers";
import { afterAll, describe, expect, it } from "vitest";
import { createArtifactStore } from "../src/artifacts/artifact-store.js";
import { AppError } from "../src/errors/app-error.js";

const dataDir = mkdtempSync(join(tmpdir(), "deadweight-artifact-store-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const store = createArtifactStore(dataDir);

function sha256Of(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Yields `bytes` in chunks, counting how many chunks were pulled. */
function chunked(bytes: Uint8Array, chunkBytes = 64 * 1024) {
  const state = { pulled: 0 };
  async function* source() {
    for (let offset = 0; offset < bytes.length; offset += chunkBytes) {
      state.pulled += 1;
      yield bytes.subarray(offset, offset + chunkBytes);
    }
  }
  return { source: source(), state };
}

function incomingFiles(): string[] {
  try {
    return readdirSync(join(store.root, ".incoming"));
  } catch {
    return [];
  }
}

async function expectAppError(call: Promise<unknown>, code: AppError["code"], message: RegExp): Promise<void> {
  const error = await call.then(
    () => new Error("expected a failure"),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AppError);
  expect({ code: (error as AppError).code, message: (error as AppError).message }).toMatchObject({ code });
  expect((error as AppError).message).toMatch(message);
}

function randomBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

describe("artifact store", () => {
  it("stores content under artifacts/<first 2 hex>/<sha256> and reads it back", async () => {
    const bytes = randomBytes(300_000, 1);
    const stored = await store.put(chunked(bytes).source, { maxBytes: 1_000_000 });
    expect(stored).toEqual({ sha256: sha256Of(bytes), sizeBytes: 300_000, alreadyStored: false });
    const path = join(dataDir, "artifacts", stored.sha256.slice(0, 2), stored.sha256);
    expect(store.pathOf(stored.sha256)).toBe(path);
    expect(sha256Of(readFileSync(path))).toBe(stored.sha256);

    const opened = await store.open(stored.sha256, { expectedSizeBytes: 300_000 });
    expect(opened.sizeBytes).toBe(300_000);
    expect(sha256Of(await buffer(opened.stream))).toBe(stored.sha256);
    expect(incomingFiles()).toEqual([]);
  });

  it("stores identical content once", async () => {
    const bytes = randomBytes(10_000, 2);
    const first = await store.put(chunked(bytes).source, { maxBytes: 20_000 });
    const second = await store.put(chunked(bytes, 999).source, { maxBytes: 20_000, expectedSha256: sha256Of(bytes) });
    expect(first.alreadyStored).toBe(false);
    expect(second).toEqual({ ...first, alreadyStored: true });
    expect(
      readdirSync(join(store.root, first.sha256.slice(0, 2))).filter((name) => name === first.sha256),
    ).toHaveLength(1);
    expect(incomingFiles()).toEqual([]);
  });

  it("aborts past maxBytes, stops reading the source and deletes the partial file", async () => {
    const bytes = randomBytes(1_000_000, 3);
    const { source, state } = chunked(bytes, 100_000);
    await expectAppError(
      store.put(source, { maxBytes: 250_000 }),
      "PAYLOAD_TOO_LARGE",
      /larger than the limit of 250000 bytes/,
    );
    expect(state.pulled).toBe(3);
    expect(incomingFiles()).toEqual([]);
    await expectAppError(store.open(sha256Of(bytes)), "INTERNAL", /missing from the artifact store/);
  });

  it("accepts content of exactly maxBytes", async () => {
    const bytes = randomBytes(4096, 4);
    expect((await store.put(chunked(bytes, 1000).source, { maxBytes: 4096 })).sizeBytes).toBe(4096);
  });

  it("rejects content that does not hash to the announced sha256, naming both hashes", async () => {
    const bytes = randomBytes(5_000, 5);
    const announced = sha256Of(randomBytes(5_000, 6));
    await expectAppError(
      store.put(chunked(bytes).source, { maxBytes: 10_000, expectedSha256: announced }),
      "BAD_REQUEST",
      new RegExp(`announced as sha256 ${announced} but its bytes hash to ${sha256Of(bytes)}`),
    );
    expect(incomingFiles()).toEqual([]);
    await expectAppError(store.open(sha256Of(bytes)), "INTERNAL", /missing/);
  });

  it("deletes the partial file when the source fails midway", async () => {
    async function* failing() {
      yield new Uint8Array(1000);
      throw new Error("connection reset");
    }
    await expect(store.put(failing(), { maxBytes: 10_000 })).rejects.toThrow("connection reset");
    expect(incomingFiles()).toEqual([]);
  });

  it("detects a tampered or truncated file before sending a byte", async () => {
    const bytes = randomBytes(50_000, 7);
    const { sha256 } = await store.put(chunked(bytes).source, { maxBytes: 100_000 });
    const path = store.pathOf(sha256);

    const tampered = Uint8Array.from(bytes);
    tampered[25_000] = (tampered[25_000] ?? 0) ^ 0xff;
    writeFileSync(path, tampered);
    await expectAppError(
      store.open(sha256, { expectedSizeBytes: 50_000 }),
      "INTERNAL",
      new RegExp(`sha256 ${sha256} are damaged \\(the stored bytes now hash to ${sha256Of(tampered)}\\)`),
    );

    truncateSync(path, 10);
    await expectAppError(
      store.open(sha256, { expectedSizeBytes: 50_000 }),
      "INTERNAL",
      /the stored file has 10 bytes instead of 50000/,
    );

    // Uploading the same content again repairs the stored copy.
    await store.put(chunked(bytes).source, { maxBytes: 100_000 });
    expect(sha256Of(await buffer((await store.open(sha256)).stream))).toBe(sha256);
  });

  it("fails the stream when the file is changed in place while it is being sent", async () => {
    const bytes = randomBytes(1_000_000, 8);
    const { sha256 } = await store.put(chunked(bytes).source, { maxBytes: 2_000_000 });
    const opened = await store.open(sha256);
    // The last byte changes; nobody reads the stream yet, so back-pressure keeps the end unread.
    const file = openSync(store.pathOf(sha256), "r+");
    writeSync(file, Uint8Array.of((bytes[999_999] ?? 0) ^ 1), 0, 1, 999_999);
    closeSync(file);
    await expect(buffer(opened.stream)).rejects.toThrow(/changed while being read/);
    await store.put(chunked(bytes).source, { maxBytes: 2_000_000 });
  });

  it("refuses names that are not a sha256, so nothing reaches outside the store", async () => {
    expect(() => store.pathOf("../../etc/passwd")).toThrow(/not 64 lowercase hex digits/);
    await expectAppError(store.open("ABC"), "BAD_REQUEST", /not 64 lowercase hex digits/);
    await expectAppError(
      store.put(chunked(new Uint8Array(1)).source, { maxBytes: 10, expectedSha256: "../x" }),
      "BAD_REQUEST",
      /not 64 lowercase hex digits/,
    );
  });
});
