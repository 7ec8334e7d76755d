import type * as tf from "@tensorflow/tfjs";
import { DeadweightError } from "../errors.js";
import { exportLayersModel, type LayersModelFiles, WEIGHTS_FILE_NAME } from "../export/layers-model-files.js";
import { assertValidInputContract, type InputContract } from "../inputs/input-contract.js";
import { encodeInputContract } from "../inputs/input-contract-file.js";
import { MLP_MODEL_NAME } from "../model/mlp-network.js";
import type { MlpWeights } from "../model/mlp-weights.js";
import { encodeFloat16 } from "./float16-encoding.js";
import { quantizeUint8 } from "./uint8-quantization.js";
import { assertWeightDtype, type WeightDtype } from "./weight-dtype.js";

/** The name of a bundle's topology + manifest file, which tf.loadLayersModel is pointed at. */
export const MODEL_JSON_FILE_NAME = "model.json";

/** One file of a bundle: its name inside the bundle folder and its exact bytes. */
export interface BundleFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** A model in the TF.js layers format with its weights stored in one dtype, in memory. */
export interface ModelBundle {
  readonly weightDtype: WeightDtype;
  /** model.json (parsed) and weights.bin, as importLayersModel and evaluateModelBundle take them. */
  readonly model: LayersModelFiles;
  /** The files exactly as they are to be written side by side: model.json (UTF-8 text), then weights.bin, then input-contract.json when the inputs were pruned. */
  readonly files: readonly BundleFile[];
}

export interface ModelBundleOptions {
  /**
   * Keep the first Dense layer's kernel and bias as float32 in a uint8 bundle. For a model with an
   * input scaling folded in: its first kernel's rows are W / scale, magnitudes 10^4 and more apart
   * when the features were, and one per-tensor uint8 range rounds the small rows to nothing
   * (measured: breast cancer, 98.25% as float32, 77.19% = the majority class as all-uint8).
   */
  readonly keepFirstLayerFloat32?: boolean;
  /**
   * The model reads only some of the original input features: the bundle gets an input-contract.json
   * beside model.json saying which (model.json stays loadable by plain tf.loadLayersModel, its input
   * width being the kept count). Throws MODEL_SHAPE_MISMATCH when the contract's kept count is not
   * the model's input width.
   */
  readonly inputContract?: InputContract;
}

/**
 * Serialises an MLP to the TF.js layers format with its weights stored as float32, float16 (IEEE
 * half, little-endian) or uint8 (per-tensor scale and min): weightsManifest entries carry the
 * `quantization` field that TF.js 4's loader expands back to float32 (an entry without it stays
 * float32, see ModelBundleOptions). Throws INVALID_OPTION on an unknown dtype or a weight the dtype cannot hold.
 */
export async function encodeModelBundle(
  weights: MlpWeights,
  weightDtype: WeightDtype,
  options: ModelBundleOptions = {},
): Promise<ModelBundle> {
  assertWeightDtype(weightDtype);
  const float32 = await exportLayersModel(weights);
  const keep =
    weightDtype === "uint8" && options.keepFirstLayerFloat32 === true
      ? firstLayerWeightNames(float32)
      : new Set<string>();
  const model = weightDtype === "float32" ? float32 : requantize(float32, weightDtype, keep);
  const contract = options.inputContract;
  if (contract === undefined) return { weightDtype, model, files: bundleFiles(model) };
  assertValidInputContract(contract, "the bundle's input contract");
  const inputWidth = weights.layers[0]?.inputSize;
  if (inputWidth !== contract.keptFeatures.length) {
    throw new DeadweightError(
      "MODEL_SHAPE_MISMATCH",
      `the input contract keeps ${contract.keptFeatures.length} features but the model takes ${inputWidth}; give the contract the model was pruned with`,
    );
  }
  return { weightDtype, model, files: [...bundleFiles(model), encodeInputContract(contract)] };
}

/** The weights a bundle stores as float32 although its dtype is another (entries without `quantization`). */
export function unquantizedWeightNames(bundle: Pick<ModelBundle, "weightDtype" | "model">): string[] {
  if (bundle.weightDtype === "float32") return [];
  return bundle.model.modelJson.weightsManifest
    .flatMap((group) => group.weights)
    .filter((spec) => spec.quantization === undefined)
    .map((spec) => spec.name);
}

/** The manifest names of the first layer's weights ("hidden_1/kernel", "hidden_1/bias"). */
function firstLayerWeightNames(model: LayersModelFiles): Set<string> {
  const topology = model.modelJson.modelTopology as { config?: { layers?: { config?: { name?: string } }[] } };
  const first = topology.config?.layers?.[0]?.config?.name;
  const names = model.modelJson.weightsManifest.flatMap((group) => group.weights.map((spec) => spec.name));
  return new Set(first === undefined ? [] : names.filter((name) => name.startsWith(`${first}/`)));
}

/** The files of a layers-format model as written to disk: model.json as one line of JSON and a newline, then weights.bin. */
export function bundleFiles(model: LayersModelFiles): BundleFile[] {
  return [
    { name: MODEL_JSON_FILE_NAME, bytes: new TextEncoder().encode(`${JSON.stringify(model.modelJson)}\n`) },
    { name: WEIGHTS_FILE_NAME, bytes: model.weightsBin },
  ];
}

/** Total bytes of a bundle's files: what it occupies on disk. */
export function bundleBytes(bundle: Pick<ModelBundle, "files">): number {
  return bundle.files.reduce((sum, file) => sum + file.bytes.byteLength, 0);
}

/**
 * A bundle's files (as read back from disk) as a layers-format model: model.json parsed and the
 * weight files its manifest names concatenated in order. Throws MODEL_SHAPE_MISMATCH naming the
 * missing or unreadable file.
 */
export function parseBundleFiles(files: readonly BundleFile[], sourceName = "bundle"): LayersModelFiles {
  const byName = new Map(files.map((file) => [file.name, file.bytes]));
  const jsonBytes = byName.get(MODEL_JSON_FILE_NAME);
  if (jsonBytes === undefined) {
    throw new DeadweightError("MODEL_SHAPE_MISMATCH", `${sourceName}: has no ${MODEL_JSON_FILE_NAME}`);
  }
  let modelJson: tf.io.ModelJSON;
  try {
    modelJson = JSON.parse(new TextDecoder("utf-8").decode(jsonBytes)) as tf.io.ModelJSON;
  } catch (error) {
    throw new DeadweightError(
      "MODEL_SHAPE_MISMATCH",
      `${sourceName}: ${MODEL_JSON_FILE_NAME} is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (!Array.isArray(modelJson.weightsManifest)) {
    throw new DeadweightError("MODEL_SHAPE_MISMATCH", `${sourceName}: ${MODEL_JSON_FILE_NAME} has no weightsManifest`);
  }
  const parts = modelJson.weightsManifest
    .flatMap((group) => group.paths)
    .map((path) => {
      const bytes = byName.get(path);
      if (bytes === undefined) {
        throw new DeadweightError(
          "MODEL_SHAPE_MISMATCH",
          `${sourceName}: ${MODEL_JSON_FILE_NAME} refers to weight file "${path}", which the bundle does not have`,
        );
      }
      return bytes;
    });
  return { modelJson, weightsBin: concatenate(parts) };
}

/**
 * The name every bundle's model has in model.json (every network's: see MLP_MODEL_NAME), so a
 * bundle's bytes, and so its sha256, depend on the weights and dtype alone.
 */
export const BUNDLE_MODEL_NAME = MLP_MODEL_NAME;

/** The same model with every float32 weight but those in `keep` re-encoded as `dtype`, in manifest order. */
function requantize(model: LayersModelFiles, dtype: "float16" | "uint8", keep: ReadonlySet<string>): LayersModelFiles {
  const source = model.weightsBin;
  let offset = 0;
  const parts: Uint8Array[] = [];
  const manifest = model.modelJson.weightsManifest.map((group) => ({
    ...group,
    weights: group.weights.map((spec): tf.io.WeightsManifestEntry => {
      const count = spec.shape.reduce((product, dim) => product * dim, 1);
      // A copy: weightsBin's offset into its buffer need not be 4-byte aligned.
      const values = new Float32Array(source.slice(offset, offset + count * 4).buffer);
      offset += count * 4;
      if (keep.has(spec.name)) {
        parts.push(new Uint8Array(values.buffer));
        return spec;
      }
      if (dtype === "float16") {
        parts.push(encodeFloat16(values, spec.name));
        return { ...spec, quantization: { dtype: "float16" } };
      }
      const { bytes, scale, min } = quantizeUint8(values, spec.name);
      parts.push(bytes);
      return { ...spec, quantization: { dtype: "uint8", scale, min } };
    }),
  }));
  return { modelJson: { ...model.modelJson, weightsManifest: manifest }, weightsBin: concatenate(parts) };
}

function concatenate(parts: readonly Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.byteLength;
  }
  return joined;
}
