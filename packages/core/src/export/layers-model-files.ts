import * as tf from "@tensorflow/tfjs";
import { DeadweightError } from "../errors.js";
import { buildMlpNetwork, readMlpWeights } from "../model/mlp-network.js";
import type { MlpWeights } from "../model/mlp-weights.js";

/** The file name model.json refers to for the weights (TF.js layers format). */
export const WEIGHTS_FILE_NAME = "weights.bin";

/** The two files of a TF.js layers-format model, in memory: write them side by side as model.json and weights.bin. */
export interface LayersModelFiles {
  readonly modelJson: tf.io.ModelJSON;
  readonly weightsBin: Uint8Array;
}

/** Serialises an MLP to the TF.js layers format that `tf.loadLayersModel` reads. */
export async function exportLayersModel(weights: MlpWeights): Promise<LayersModelFiles> {
  const network = buildMlpNetwork(weights);
  try {
    let files: LayersModelFiles | null = null;
    await network.save(
      tf.io.withSaveHandler(async (artifacts) => {
        const weightData = artifacts.weightData;
        const buffer = weightData instanceof ArrayBuffer ? weightData : tf.io.concatenateArrayBuffers(weightData ?? []);
        files = {
          modelJson: {
            modelTopology: artifacts.modelTopology as object,
            format: artifacts.format ?? "layers-model",
            generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
            convertedBy: "Deadweight",
            weightsManifest: [{ paths: [WEIGHTS_FILE_NAME], weights: artifacts.weightSpecs ?? [] }],
          },
          weightsBin: new Uint8Array(buffer),
        };
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
      }),
    );
    if (files === null) throw new Error("TF.js did not hand over the model artifacts");
    return files;
  } finally {
    network.dispose();
  }
}

/**
 * Reads a TF.js layers-format model back into plain parameters. Throws MODEL_SHAPE_MISMATCH, with
 * the byte counts or the offending layer, when weights.bin does not match what model.json describes.
 */
export async function importLayersModel(files: LayersModelFiles, sourceName = "model"): Promise<MlpWeights> {
  const network = await loadLayersModelFiles(files, sourceName);
  try {
    return readMlpWeights(network);
  } finally {
    network.dispose();
  }
}

/**
 * Loads a TF.js layers-format model the way tf.loadLayersModel does (quantised weights expanded to
 * float32), leaking nothing when the files are bad. The caller disposes the model. Throws
 * MODEL_SHAPE_MISMATCH, with the byte counts or TF.js's reason, when the files do not fit together.
 */
export async function loadLayersModelFiles(files: LayersModelFiles, sourceName = "model"): Promise<tf.LayersModel> {
  const manifest = files.modelJson.weightsManifest;
  if (!Array.isArray(manifest) || manifest.length === 0) {
    throw new DeadweightError("MODEL_SHAPE_MISMATCH", `${sourceName}: model.json has no weightsManifest`);
  }
  const specs = manifest.flatMap((group) => group.weights);
  const expectedBytes = specs.reduce(
    (sum, spec) =>
      sum +
      spec.shape.reduce((product, dim) => product * dim, 1) * bytesPerValue(spec.quantization?.dtype ?? spec.dtype),
    0,
  );
  if (expectedBytes !== files.weightsBin.byteLength) {
    throw new DeadweightError(
      "MODEL_SHAPE_MISMATCH",
      `${sourceName}: model.json describes ${expectedBytes} bytes of weights but weights.bin has ${files.weightsBin.byteLength}; the two files do not belong together`,
    );
  }
  const weightData = files.weightsBin.buffer.slice(
    files.weightsBin.byteOffset,
    files.weightsBin.byteOffset + files.weightsBin.byteLength,
  ) as ArrayBuffer;
  try {
    return await loadLayersModelWithoutLeaks(files.modelJson.modelTopology as object, specs, weightData);
  } catch (error) {
    throw new DeadweightError(
      "MODEL_SHAPE_MISMATCH",
      `${sourceName}: TF.js could not load the model: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/**
 * tf.loadLayersModel's own two steps (build the model from its topology, then load the decoded
 * weights) with the cleanup it lacks: when the weights do not fit the layers, tf.loadLayersModel
 * throws and leaks the half-built model's variables and the decoded weight tensors.
 */
async function loadLayersModelWithoutLeaks(
  modelTopology: object,
  specs: tf.io.WeightsManifestEntry[],
  weightData: ArrayBuffer,
): Promise<tf.LayersModel> {
  const network = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: withZeroInitialisers(modelTopology) }));
  let decoded: tf.NamedTensorMap = {};
  try {
    decoded = tf.io.decodeWeights(weightData, specs);
    network.loadWeights(decoded);
    return network;
  } catch (error) {
    network.dispose();
    throw error;
  } finally {
    tf.dispose(Object.values(decoded));
  }
}

/**
 * The topology with every layer's initialisers set to zeros: building a model draws its weights from
 * them before loadWeights overwrites every one, and the random draws were 4% of a bundle's
 * measurement. The loaded weights, and so every prediction, are the same.
 */
function withZeroInitialisers(modelTopology: object): object {
  const topology = modelTopology as { config?: { layers?: unknown } };
  const layers = topology.config?.layers;
  if (!Array.isArray(layers)) return modelTopology;
  const zeros = { class_name: "Zeros", config: {} };
  return {
    ...topology,
    config: {
      ...topology.config,
      layers: layers.map((layer: { config?: Record<string, unknown> }) => {
        if (typeof layer !== "object" || layer === null || typeof layer.config !== "object") return layer;
        const config = { ...layer.config };
        for (const key of Object.keys(config)) if (key.endsWith("_initializer")) config[key] = zeros;
        return { ...layer, config };
      }),
    },
  };
}

/** Bytes per stored value, quantised dtypes (uint8, uint16, float16) included. */
function bytesPerValue(dtype: string): number {
  return dtype === "bool" || dtype === "uint8" ? 1 : dtype === "float16" || dtype === "uint16" ? 2 : 4;
}
