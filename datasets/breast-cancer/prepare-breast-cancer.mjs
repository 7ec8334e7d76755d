// Writes breast-cancer.csv from scikit-learn's breast_cancer.csv (as Debian's python3-sklearn ships it):
// the file's first line, "569,30,malignant,benign" (counts and class names, neither a header nor a
// sample), becomes a header naming the 30 features as scikit-learn does and the label "diagnosis";
// the integer labels become the class names that line gives (0 malignant, 1 benign). Rows keep their order.
// Usage (from the repository root): node datasets/breast-cancer/prepare-breast-cancer.mjs <breast_cancer.csv>
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";

const SOURCE_SHA256 = "fed3eb72d0575ef6192293f5093c6e801b1476b577d0386bf4455504522172ed";
// sklearn.datasets.load_breast_cancer().feature_names (scikit-learn 1.2.1, sklearn/datasets/_base.py).
const FEATURES = [
  "radius",
  "texture",
  "perimeter",
  "area",
  "smoothness",
  "compactness",
  "concavity",
  "concave points",
  "symmetry",
  "fractal dimension",
];
const NAMES = [
  ...FEATURES.map((name) => `mean ${name}`),
  ...FEATURES.map((name) => `${name} error`),
  ...FEATURES.map((name) => `worst ${name}`),
];

const source = process.argv[2];
if (source === undefined)
  throw new Error("usage: node prepare-breast-cancer.mjs <path of scikit-learn's breast_cancer.csv>");
const bytes = readFileSync(source);
const digest = createHash("sha256").update(bytes).digest("hex");
if (digest !== SOURCE_SHA256)
  throw new Error(`${source} has sha256 ${digest}, expected ${SOURCE_SHA256} (scikit-learn 1.2.1)`);
const [first, ...rows] = bytes.toString("utf8").trimEnd().split("\n");
const [count, featureCount, ...classNames] = first.split(",");
if (Number(count) !== rows.length || Number(featureCount) !== NAMES.length)
  throw new Error(`unexpected first line "${first}"`);
const lines = [[...NAMES, "diagnosis"].join(",")];
for (const row of rows) {
  const cells = row.split(",");
  const label = classNames[Number(cells.pop())];
  if (label === undefined) throw new Error(`unexpected label in "${row}"`);
  lines.push([...cells, label].join(","));
}
const target = new URL("breast-cancer.csv", import.meta.url);
writeFileSync(target, `${lines.join("\n")}\n`);
const counts = (part) =>
  Object.fromEntries(classNames.map((name) => [name, part.filter((line) => line.endsWith(`,${name}`)).length]));
const data = lines.slice(1);
// The default split of csv:datasets/breast-cancer/breast-cancer.csv: last 20% test, then the last 10% of the rest validation.
const testFrom = data.length - Math.max(1, Math.round(data.length * 0.2));
const validationFrom = testFrom - Math.max(1, Math.round(testFrom * 0.1));
console.log(
  JSON.stringify({
    rows: data.length,
    train: counts(data.slice(0, validationFrom)),
    validation: counts(data.slice(validationFrom, testFrom)),
    test: counts(data.slice(testFrom)),
  }),
);
