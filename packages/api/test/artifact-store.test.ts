import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buffer } from "node:stream/consumers";
import { afterAll, describe, expect, it } from "vitest";
import { createArtifactStore } from "../src/artifacts/artifact-store.js";
import { chunked, describeArtifactStoreBehaviour, randomBytes, sha256Of } from "./artifact-store-behaviour.js";

const dataDir = mkdtempSync(join(tmpdir(), "deadweight-artifact-store-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const store = createArtifactStore(dataDir);

function filesIn(folder: string): string[] {
  try {
    return readdirSync(folder);
  } catch {
    return [];
  }
}

describeArtifactStoreBehaviour("local folder", async () => ({
  store,
  incoming: async () => filesIn(join(store.root, ".incoming")),
  copiesOf: async (sha256) => filesIn(join(store.root, sha256.slice(0, 2))).filter((name) => name === sha256).length,
  overwrite: async (sha256, bytes) => writeFileSync(store.pathOf(sha256), bytes),
}));

describe("local folder artifact store", () => {
  it("stores content under artifacts/<first 2 hex>/<sha256>", async () => {
    const bytes = randomBytes(300_000, 1);
    const stored = await store.put(chunked(bytes).source, { maxBytes: 1_000_000 });
    const path = join(dataDir, "artifacts", stored.sha256.slice(0, 2), stored.sha256);
    expect(store.pathOf(stored.sha256)).toBe(path);
    expect(store.location).toBe(join(dataDir, "artifacts"));
    expect(sha256Of(readFileSync(path))).toBe(stored.sha256);
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

  it("refuses paths of names that are not a sha256, so nothing reaches outside the store", () => {
    expect(() => store.pathOf("../../etc/passwd")).toThrow(/not 64 lowercase hex digits/);
  });
});
