import { rejectedDeadweightError } from "@deadweight/test-support";
import { describe, expect, it } from "vitest";
import {
  assertFileIntegrity,
  checkFileIntegrity,
  compareDigests,
  digestFiles,
  sha256Hex,
} from "../../src/bundle/file-digest.js";
import { type BundleFile, encodeModelBundle } from "../../src/bundle/model-bundle.js";
import { randomMlpWeights } from "../mlp-fixtures.js";

const WEIGHTS = randomMlpWeights([4, 3, 2], 95);

describe("sha256Hex", () => {
  it("matches the published SHA-256 test vectors", async () => {
    expect(await sha256Hex(new Uint8Array())).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(await sha256Hex(new TextEncoder().encode("abc"))).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });
});

describe("checkFileIntegrity", () => {
  it("finds an exported bundle intact", async () => {
    const bundle = await encodeModelBundle(WEIGHTS, "uint8");
    const digests = await digestFiles(bundle.files);
    expect(digests.map(({ name, bytes }) => ({ name, bytes }))).toEqual(
      bundle.files.map((file) => ({ name: file.name, bytes: file.bytes.byteLength })),
    );
    expect(await checkFileIntegrity(bundle.files, digests)).toEqual({ intact: true, problems: [] });
  });

  it("detects one flipped byte in weights.bin, and throws BUNDLE_INTEGRITY naming the file", async () => {
    const bundle = await encodeModelBundle(WEIGHTS, "uint8");
    const digests = await digestFiles(bundle.files);
    const [modelJson, weightsBin] = bundle.files as [BundleFile, BundleFile];
    const weights = weightsBin.bytes.slice();
    weights[3] = (weights[3] as number) ^ 0x01;
    const tampered = [modelJson, { name: "weights.bin", bytes: weights }];
    const report = await checkFileIntegrity(tampered, digests);
    expect(report.intact).toBe(false);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatch(/^weights\.bin has sha256 [0-9a-f]{64} \(\d+ bytes\) but [0-9a-f]{64}/);
    const error = await rejectedDeadweightError(assertFileIntegrity(tampered, digests, "runs/a/uint8"));
    expect(error.code).toBe("BUNDLE_INTEGRITY");
    expect(error.message).toContain("runs/a/uint8: the files are not the ones exported: weights.bin has sha256");
  });

  it("reports a missing file and a file that was not exported", async () => {
    const bundle = await encodeModelBundle(WEIGHTS, "float16");
    const digests = await digestFiles(bundle.files);
    const changed = [bundle.files[0] as BundleFile, { name: "extra.bin", bytes: new Uint8Array([1]) }];
    expect((await checkFileIntegrity(changed, digests)).problems).toEqual([
      "weights.bin is missing",
      "extra.bin was not part of the export",
    ]);
  });

  it("compares digests alone the same way", () => {
    const recorded = [{ name: "a", bytes: 1, sha256: "00" }];
    expect(compareDigests(recorded, recorded).intact).toBe(true);
    expect(compareDigests([{ name: "a", bytes: 1, sha256: "01" }], recorded).problems).toEqual([
      "a has sha256 01 (1 bytes) but 00 (1 bytes) was recorded",
    ]);
  });
});
