#!/usr/bin/env node
/**
 * Standalone check of an exported bundle, deliberately free of Deadweight code: it uses only plain
 * @tensorflow/tfjs (+ its wasm backend) and Node built-ins, so it judges the files the way any TF.js
 * user would load them.
 *
 *   node verify-bundle.mjs --bundle <folder with model.json> [--bundle <another> ...] --test-set <DWDS file> [--backend wasm|cpu] [--chunk-size 2048]
 *
 * Prints one line of JSON per bundle on stdout, in the order given: { ok: true, bundle, samples, correct,
 * accuracy, files: [{ name, bytes, sha256 }], ... }; or { ok: false, error } with exit code 1 at the
 * first bundle it cannot evaluate. A bundle with an input-contract.json (its model reads only some of
 * the original features) is fed the contract's kept columns, in order, of the full-width test set. Several bundles share one process (TF.js starts once). The test-set file is the core's binary dataset format:
 * "DWDS", then uint32 LE version 1, sample count, feature count, class count, then float32 LE
 * features (row-major) and int32 LE labels.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { endianness } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";

// TF.js greets Node users on the console; keep stdout for the one line of JSON.
console.log = console.info = console.warn = (...parts) => process.stderr.write(`${parts.join(" ")}\n`);

const HEADER_BYTES = 20;

function fail(message) {
  process.stdout.write(`${JSON.stringify({ ok: false, error: message })}\n`);
  process.exit(1);
}

function readTestSet(path) {
  const file = readFileSync(path);
  if (file.byteLength < HEADER_BYTES || file.toString("latin1", 0, 4) !== "DWDS") {
    fail(`test set ${path}: not a DWDS binary dataset file`);
  }
  const version = file.readUInt32LE(4);
  if (version !== 1) fail(`test set ${path}: format version ${version} is not supported`);
  const count = file.readUInt32LE(8);
  const featureCount = file.readUInt32LE(12);
  const expected = HEADER_BYTES + count * featureCount * 4 + count * 4;
  if (file.byteLength !== expected) {
    fail(`test set ${path}: header says ${expected} bytes, the file has ${file.byteLength}`);
  }
  if (endianness() !== "LE")
    fail("this verifier reads little-endian floats directly and needs a little-endian machine");
  // A copy into a fresh buffer: typed arrays need their offset aligned to their element size.
  const body = file.buffer.slice(file.byteOffset + HEADER_BYTES, file.byteOffset + file.byteLength);
  const features = new Float32Array(body, 0, count * featureCount);
  const labels = new Int32Array(body, count * featureCount * 4, count);
  return { count, featureCount, features, labels };
}

function digestFolder(folder) {
  return readdirSync(folder)
    .filter((name) => statSync(join(folder, name)).isFile())
    .sort()
    .map((name) => {
      const bytes = readFileSync(join(folder, name));
      return { name, bytes: bytes.byteLength, sha256: createHash("sha256").update(bytes).digest("hex") };
    });
}

async function main() {
  const { values } = parseArgs({
    options: {
      bundle: { type: "string", multiple: true },
      "test-set": { type: "string" },
      backend: { type: "string", default: "wasm" },
      "chunk-size": { type: "string", default: "2048" },
    },
  });
  const folders = values.bundle ?? [];
  const testSetPath = values["test-set"];
  const chunkSize = Number(values["chunk-size"]);
  if (folders.length === 0 || testSetPath === undefined)
    fail("usage: verify-bundle.mjs --bundle <folder> --test-set <file>");
  if (!Number.isInteger(chunkSize) || chunkSize < 1) fail(`--chunk-size must be a positive integer, got ${chunkSize}`);
  if (values.backend !== "wasm" && values.backend !== "cpu")
    fail(`--backend must be wasm or cpu, got ${values.backend}`);

  const started = performance.now();
  const tf = await import("@tensorflow/tfjs");
  if (values.backend === "wasm") {
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    const require = createRequire(import.meta.url);
    wasm.setWasmPaths(`${dirname(require.resolve("@tensorflow/tfjs-backend-wasm"))}/`);
  }
  if (!(await tf.setBackend(values.backend))) fail(`the ${values.backend} backend did not start`);
  await tf.ready();
  const startup = (performance.now() - started) / 1000;
  const testSet = readTestSet(testSetPath);
  for (const folder of folders) {
    let report;
    try {
      report = await evaluateBundle(tf, folder, testSet, chunkSize);
    } catch (error) {
      fail(`${folder}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const { backend, version } = { backend: tf.getBackend(), version: tf.version.tfjs };
    process.stdout.write(
      `${JSON.stringify({ ok: true, bundle: folder, testSet: testSetPath, ...report, backend, tfjsVersion: version, chunkSize, startupSeconds: startup })}\n`,
    );
  }
}

async function evaluateBundle(tf, folder, testSet, chunkSize) {
  const started = performance.now();
  const files = digestFolder(folder);
  const modelJson = JSON.parse(readFileSync(join(folder, "model.json"), "utf8"));
  const weightSpecs = modelJson.weightsManifest.flatMap((group) => group.weights);
  const weightFiles = modelJson.weightsManifest
    .flatMap((group) => group.paths)
    .map((path) => readFileSync(join(folder, path)));
  const joined = Buffer.concat(weightFiles);
  const weightData = joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength);
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs, weightData }),
  );

  const inputWidth = model.inputs[0].shape[1];
  const kept = readInputContract(folder, testSet.featureCount, inputWidth);
  if (kept === null && inputWidth !== testSet.featureCount) {
    fail(`${folder}: the model takes ${inputWidth} features but the test set has ${testSet.featureCount}`);
  }
  let correct = 0;
  for (let from = 0; from < testSet.count; from += chunkSize) {
    const to = Math.min(testSet.count, from + chunkSize);
    const rows = testSet.features.subarray(from * testSet.featureCount, to * testSet.featureCount);
    const x = tf.tensor2d(kept === null ? rows : selectColumns(rows, testSet.featureCount, kept), [
      to - from,
      inputWidth,
    ]);
    // One batch per chunk: predict's default batches of 32 each slice the chunk, and the wasm Slice
    // kernel copies its whole source every time (it made a 10,000-sample check take seconds).
    const predicted = tf.tidy(() => tf.argMax(model.predict(x, { batchSize: to - from }), 1));
    const classes = predicted.dataSync();
    tf.dispose([x, predicted]);
    for (let i = 0; i < classes.length; i++) if (classes[i] === testSet.labels[from + i]) correct++;
  }
  model.dispose();

  return {
    samples: testSet.count,
    correct,
    accuracy: correct / testSet.count,
    files,
    seconds: (performance.now() - started) / 1000,
  };
}

/** The kept feature indices of the folder's input-contract.json, checked against both widths; null without one. */
function readInputContract(folder, dataWidth, inputWidth) {
  const path = join(folder, "input-contract.json");
  if (!existsSync(path)) return null;
  const contract = JSON.parse(readFileSync(path, "utf8"));
  const kept = contract.keptFeatures;
  if (contract.format !== "deadweight-input-contract" || !Array.isArray(kept)) {
    fail(`${path}: not a deadweight-input-contract file`);
  }
  if (kept.length !== inputWidth) {
    fail(`${path}: keeps ${kept.length} features but the model takes ${inputWidth}`);
  }
  if (contract.originalWidth !== dataWidth) {
    fail(
      `${folder}: this model reads ${kept.length} of the original ${contract.originalWidth} features but the test set is ${dataWidth} features wide; give the full ${contract.originalWidth}-wide test set`,
    );
  }
  if (
    !kept.every(
      (feature, index) =>
        Number.isInteger(feature) && feature >= 0 && feature < dataWidth && (index === 0 || feature > kept[index - 1]),
    )
  ) {
    fail(`${path}: keptFeatures must be strictly ascending indices below ${dataWidth}`);
  }
  return kept;
}

function selectColumns(rows, width, kept) {
  const count = rows.length / width;
  const selected = new Float32Array(count * kept.length);
  for (let row = 0; row < count; row++) {
    for (let column = 0; column < kept.length; column++) {
      selected[row * kept.length + column] = rows[row * width + kept[column]];
    }
  }
  return selected;
}

main().catch((error) => fail(error instanceof Error ? error.message : String(error)));
