// The body of one compute thread: its own TensorFlow.js backend, answering statistics and sweep
// requests one at a time with the same core functions a single-threaded run calls.
import { parentPort, workerData } from "node:worker_threads";
import { initialiseBackend } from "../backend/compute-backend.js";
import { datasetRange } from "../data/dataset.js";
import { DeadweightError } from "../errors.js";
import { disposeDenseLayers, uploadDenseLayer } from "../model/dense-forward.js";
import { measureActivationPart } from "../stats/measure-activations.js";
import { measureThresholdRows } from "../sweep/run-threshold-sweep.js";
import type {
  ComputeThreadData,
  FromComputeThread,
  ToComputeThread,
  TransferredComputeError,
} from "./compute-thread-protocol.js";

const port = parentPort;
if (port === null) throw new Error("compute-thread-main.ts runs only as a worker thread");
const send = (message: FromComputeThread) => port.postMessage(message);
const { backend } = workerData as ComputeThreadData;

try {
  await initialiseBackend(backend);
  send({ type: "ready" });
} catch (error) {
  send({ type: "start-failed", error: transferred(error) });
}

// Requests are answered in the order they came, one at a time: the backend is this thread's only one.
let queue: Promise<void> = Promise.resolve();
port.on("message", (request: ToComputeThread) => {
  queue = queue.then(() => answer(request));
});

async function answer(request: ToComputeThread): Promise<void> {
  try {
    if (request.type === "statistics") {
      const layers = request.weights.layers.map(uploadDenseLayer);
      try {
        const share = datasetRange(request.dataset, request.range.from, request.range.to, request.dataset.name);
        const parts = await measureActivationPart(layers, share, request.range.from, {
          chunkSize: request.chunkSize,
          ...(request.histogramBins === undefined ? {} : { histogramBins: request.histogramBins }),
          onProgress: ({ samplesDone }) => send({ type: "progress", id: request.id, done: samplesDone }),
        });
        send({ type: "statistics-done", id: request.id, parts });
      } finally {
        disposeDenseLayers(layers);
      }
    } else {
      const measured = await measureThresholdRows({
        weights: request.weights,
        stats: request.stats,
        validation: request.validation,
        test: request.test,
        thresholds: request.thresholds,
        onProgress: ({ done, rowId }) => send({ type: "progress", id: request.id, done, rowId }),
      });
      send({ type: "sweep-done", id: request.id, measured });
    }
  } catch (error) {
    send({ type: "failed", id: request.id, error: transferred(error) });
  }
}

function transferred(error: unknown): TransferredComputeError {
  if (error instanceof DeadweightError) return { code: error.code, message: error.message };
  return { message: error instanceof Error ? error.message : String(error) };
}
