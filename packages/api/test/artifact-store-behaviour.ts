import { createHash } from "node:crypto";
import { buffer } from "node:stream/consumers";
import { beforeAll, describe, expect, it } from "vitest";
import type { ArtifactStore } from "../src/artifacts/artifact-store.js";
import { AppError } from "../src/errors/app-error.js";

/** One artifact store under test, with a look behind its back at what it keeps. */
export interface StoreUnderTest {
  readonly store: ArtifactStore;
  /** Temporary uploads still in the store (there must be none between calls). */
  incoming(): Promise<string[]>;
  /** How many copies of the content named `sha256` are under its content address. */
  copiesOf(sha256: string): Promise<number>;
  /** Replaces the stored bytes of `sha256` without going through the store. */
  overwrite(sha256: string, bytes: Uint8Array): Promise<void>;
}

/**
 * What every ArtifactStore promises, run against one implementation: the local folder's test and
 * the S3 bucket's test each call this, so the two stay one contract, not two copies.
 */
export function describeArtifactStoreBehaviour(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`artifact store behaviour: ${name}`, () => {
    let subject: StoreUnderTest;
    beforeAll(async () => {
      subject = await open();
    });

    it("streams a few MB in chunks into the store and reads them back byte for byte", async () => {
      // Over 5 MiB, so an S3 upload takes more than one part.
      const bytes = randomBytes(6 * 1024 * 1024 + 1234, 1);
      const stored = await subject.store.put(chunked(bytes).source, { maxBytes: 8 * 1024 * 1024 });
      expect(stored).toEqual({ sha256: sha256Of(bytes), sizeBytes: bytes.length, alreadyStored: false });
      expect(await subject.copiesOf(stored.sha256)).toBe(1);

      const opened = await subject.store.open(stored.sha256, { expectedSizeBytes: bytes.length });
      expect(opened.sizeBytes).toBe(bytes.length);
      expect(Buffer.compare(await buffer(opened.stream), bytes)).toBe(0);
      expect(await subject.incoming()).toEqual([]);
    });

    it("stores identical content once", async () => {
      const bytes = randomBytes(10_000, 2);
      const first = await subject.store.put(chunked(bytes).source, { maxBytes: 20_000 });
      const second = await subject.store.put(chunked(bytes, 999).source, {
        maxBytes: 20_000,
        expectedSha256: sha256Of(bytes),
      });
      expect(first.alreadyStored).toBe(false);
      expect(second).toEqual({ ...first, alreadyStored: true });
      expect(await subject.copiesOf(first.sha256)).toBe(1);
      expect(await subject.incoming()).toEqual([]);
    });

    it("aborts past maxBytes, stops reading the source and leaves nothing behind", async () => {
      const bytes = randomBytes(1_000_000, 3);
      const { source, state } = chunked(bytes, 100_000);
      await expectAppError(
        subject.store.put(source, { maxBytes: 250_000 }),
        "PAYLOAD_TOO_LARGE",
        /larger than the limit of 250000 bytes/,
      );
      expect(state.pulled).toBe(3);
      expect(await subject.incoming()).toEqual([]);
      expect(await subject.copiesOf(sha256Of(bytes))).toBe(0);
      await expectAppError(subject.store.open(sha256Of(bytes)), "INTERNAL", /missing from the artifact store/);
    });

    it("accepts content of exactly maxBytes", async () => {
      const bytes = randomBytes(4096, 4);
      expect((await subject.store.put(chunked(bytes, 1000).source, { maxBytes: 4096 })).sizeBytes).toBe(4096);
    });

    it("rejects content that does not hash to the announced sha256, naming both hashes, and keeps nothing", async () => {
      const bytes = randomBytes(5_000, 5);
      const announced = sha256Of(randomBytes(5_000, 6));
      await expectAppError(
        subject.store.put(chunked(bytes).source, { maxBytes: 10_000, expectedSha256: announced }),
        "BAD_REQUEST",
        new RegExp(`announced as sha256 ${announced} but its bytes hash to ${sha256Of(bytes)}`),
      );
      expect(await subject.incoming()).toEqual([]);
      expect(await subject.copiesOf(sha256Of(bytes))).toBe(0);
      await expectAppError(subject.store.open(sha256Of(bytes)), "INTERNAL", /missing/);
    });

    it("passes on the source's own failure midway and leaves nothing behind", async () => {
      async function* failing() {
        yield new Uint8Array(1000);
        throw new Error("connection reset");
      }
      await expect(subject.store.put(failing(), { maxBytes: 10_000 })).rejects.toThrow("connection reset");
      expect(await subject.incoming()).toEqual([]);
      expect(await subject.copiesOf(sha256Of(new Uint8Array(1000)))).toBe(0);
    });

    it("detects tampered or truncated content before returning a byte; uploading it again repairs it", async () => {
      const bytes = randomBytes(50_000, 7);
      const { sha256 } = await subject.store.put(chunked(bytes).source, { maxBytes: 100_000 });

      const tampered = Uint8Array.from(bytes);
      tampered[25_000] = (tampered[25_000] ?? 0) ^ 0xff;
      await subject.overwrite(sha256, tampered);
      await expectAppError(
        subject.store.open(sha256, { expectedSizeBytes: 50_000 }),
        "INTERNAL",
        new RegExp(`sha256 ${sha256} are damaged \\(the stored bytes now hash to ${sha256Of(tampered)}\\)`),
      );

      await subject.overwrite(sha256, bytes.subarray(0, 10));
      await expectAppError(
        subject.store.open(sha256, { expectedSizeBytes: 50_000 }),
        "INTERNAL",
        /has 10 bytes instead of 50000/,
      );

      const repaired = await subject.store.put(chunked(bytes).source, { maxBytes: 100_000 });
      expect(repaired.alreadyStored).toBe(true);
      expect(sha256Of(await buffer((await subject.store.open(sha256)).stream))).toBe(sha256);
    });

    it("reports content that was never stored as missing", async () => {
      const never = sha256Of(randomBytes(100, 9));
      await expectAppError(
        subject.store.open(never, { expectedSizeBytes: 100 }),
        "INTERNAL",
        new RegExp(
          `the stored bytes of sha256 ${never} are missing from the artifact store; upload the artifact again`,
        ),
      );
    });

    it("removes content by its sha256 (then missing), and removing missing content does nothing", async () => {
      const bytes = randomBytes(2048, 11);
      const { sha256 } = await subject.store.put(chunked(bytes).source, { maxBytes: 4096 });
      await subject.store.remove(sha256);
      expect(await subject.copiesOf(sha256)).toBe(0);
      await expectAppError(subject.store.open(sha256), "INTERNAL", /are missing from the artifact store/);
      await subject.store.remove(sha256);
      await expectAppError(subject.store.remove("../x"), "BAD_REQUEST", /not 64 lowercase hex digits/);
    });

    it("refuses names that are not a sha256", async () => {
      await expectAppError(subject.store.open("ABC"), "BAD_REQUEST", /not 64 lowercase hex digits/);
      await expectAppError(subject.store.open("../../etc/passwd"), "BAD_REQUEST", /not 64 lowercase hex digits/);
      await expectAppError(
        subject.store.put(chunked(new Uint8Array(1)).source, { maxBytes: 10, expectedSha256: "../x" }),
        "BAD_REQUEST",
        /not 64 lowercase hex digits/,
      );
    });
  });
}

export function sha256Of(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Yields `bytes` in chunks, counting how many chunks were pulled. */
export function chunked(bytes: Uint8Array, chunkBytes = 64 * 1024) {
  const state = { pulled: 0 };
  async function* source() {
    for (let offset = 0; offset < bytes.length; offset += chunkBytes) {
      state.pulled += 1;
      yield bytes.subarray(offset, offset + chunkBytes);
    }
  }
  return { source: source(), state };
}

/** Deterministic bytes that do not compress into a pattern a store could shortcut. */
export function randomBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

export async function expectAppError(call: Promise<unknown>, code: AppError["code"], message: RegExp): Promise<void> {
  const error = await call.then(
    () => new Error("expected a failure"),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AppError);
  expect({ code: (error as AppError).code, message: (error as AppError).message }).toMatchObject({ code });
  expect((error as AppError).message).toMatch(message);
}
