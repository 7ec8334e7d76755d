import type { ExperimentEvent } from "@deadweight/core";
import { formatDuration } from "../terminal/format-duration.js";
import { ProgressLine, type ProgressStream } from "../terminal/progress-bar.js";

/** Renders a running experiment's events as progress bars, one per stage (one per epoch while training). */
export function experimentProgressRenderer(stream: ProgressStream): (event: ExperimentEvent) => void {
  let line: ProgressLine | null = null;
  const current = () => {
    line ??= new ProgressLine(stream);
    return line;
  };
  const close = (message?: string) => {
    line?.finish(message);
    line = null;
  };
  return (event) => {
    switch (event.kind) {
      case "backend":
        stream.write(`backend: ${event.backend.description}\n`);
        if (event.backend.warning !== undefined) stream.write(`WARNING: ${event.backend.warning}\n`);
        // Plain wasm kernels are about 2x slower to train than OpenBLAS's: say why they run, and the fix.
        if (event.backend.openBlasUnavailable !== undefined)
          stream.write(`note: matrix products on plain wasm: ${event.backend.openBlasUnavailable}\n`);
        return;
      case "stage-started":
        return;
      case "training": {
        const p = event.progress;
        current().update({
          label: `train epoch ${p.epoch}/${p.epochs}`,
          done: p.batch,
          total: p.batchesPerEpoch,
          detail: `loss ${p.loss.toFixed(3)} acc ${(100 * p.accuracy).toFixed(1)}%`,
          etaSeconds: p.etaSeconds,
        });
        if (p.batch === p.batchesPerEpoch) close();
        return;
      }
      case "statistics":
        current().update({ label: "neuron statistics", done: event.samplesDone, total: event.samplesTotal });
        return;
      case "sweep":
        current().update({ label: "threshold sweep", done: event.done, total: event.total, detail: event.rowId });
        return;
      case "export":
        current().update({ label: "export models", done: event.done, total: event.total, detail: event.modelId });
        return;
      case "stage-finished":
        close();
        stream.write(`${event.stage} done in ${formatDuration(event.seconds)}\n`);
        return;
    }
  };
}
