import type { BaseModelMetrics, PruningThreshold, SweepRow } from "@deadweight/core";
import { describe, expect, it } from "vitest";
import { renderResultsTable } from "../../src/terminal/results-table.js";

const base: BaseModelMetrics = {
  hiddenSizes: [512, 256, 128],
  parameters: 567_434,
  bytes: 2_269_736,
  validationAccuracy: 0.9812,
  testAccuracy: 0.9803,
  latencyMsPerSample: 0.0123,
};

function okRow(threshold: PruningThreshold, over: Partial<SweepRow> = {}): SweepRow {
  return {
    id: "row",
    threshold,
    status: "ok",
    keptNeurons: [212, 98, 61],
    keptNeuronTotal: 371,
    parameters: 195_993,
    bytes: 783_972,
    validationAccuracy: 0.9795,
    testAccuracy: 0.9795,
    validationAccuracyDrop: 0.17,
    testAccuracyDrop: 0.08,
    parameterReductionPercent: 65.46,
    neuronReductionPercent: 58.59,
    latencyMsPerSample: 0.0062,
    pareto: false,
    ...over,
  };
}

const meanStd = (mean: number, std: number): PruningThreshold => ({ kind: "meanStd", mean, std });

function lineWith(table: string, text: string): string {
  const line = table.split("\n").find((l) => l.includes(text));
  if (line === undefined) throw new Error(`no line with ${JSON.stringify(text)} in\n${table}`);
  return line;
}

describe("renderResultsTable", () => {
  it("starts with a header, then the base model", () => {
    const lines = renderResultsTable(base, []).split("\n");
    expect(lines[0]).toMatch(/^threshold\s+kept neurons\s+val %\s+test %\s+test Δpp\s+params\s+size/);
    expect(lines[0]).toMatch(/params -%\s+neurons -%\s+µs\/sample\s+\*$/);
    const baseLine = lines.find((l) => l.startsWith("base"));
    expect(baseLine).toBeDefined();
    expect(baseLine).toMatch(/^base \(unpruned\)\s+512-256-128\s+98\.12\s+98\.03\s+567,434\s+2\.2 MB\s+12\.3$/);
    expect(lines.indexOf(baseLine!)).toBeLessThan(4);
  });

  it("shows one line per threshold with kept neurons, accuracies, signed change, size and speed", () => {
    const table = renderResultsTable(base, [okRow(meanStd(0.1, 0.4))]);
    expect(lineWith(table, "mean 0.1 / std 0.4")).toMatch(
      /^mean 0\.1 \/ std 0\.4\s+212-98-61\s+97\.95\s+97\.95\s+-0\.08\s+195,993\s+765\.6 KB\s+65\.5\s+58\.6\s+6\.2$/,
    );
  });

  it("marks Pareto rows with * and explains it in a legend under the table", () => {
    const table = renderResultsTable(base, [
      okRow(meanStd(0.1, 0.4), { pareto: true }),
      okRow(meanStd(0.2, 0.4), { pareto: false }),
    ]);
    expect(lineWith(table, "mean 0.1 / std 0.4").endsWith("  *")).toBe(true);
    expect(lineWith(table, "mean 0.2 / std 0.4")).not.toContain("*");
    const legend = table.split("\n").at(-1)!;
    expect(legend).toContain("* = on the validation-accuracy vs size Pareto frontier");
    expect(legend).toContain("percentage points");
  });

  it("signs the test change: + when better, - when worse, never -0.00", () => {
    const table = renderResultsTable(base, [
      okRow(meanStd(0, 0), { testAccuracyDrop: -0.02 }),
      okRow(meanStd(0.1, 0.1), { testAccuracyDrop: 1.5 }),
      okRow(meanStd(0.1, 0.2), { testAccuracyDrop: 0.001 }),
    ]);
    expect(lineWith(table, "mean 0 / std 0")).toMatch(/\s\+0\.02\s/);
    expect(lineWith(table, "mean 0.1 / std 0.1")).toMatch(/\s-1\.50\s/);
    expect(lineWith(table, "mean 0.1 / std 0.2")).toMatch(/\s0\.00\s/);
    expect(table).not.toContain("-0.00");
  });

  it("right-aligns numbers under their headers", () => {
    const table = renderResultsTable(base, [
      okRow(meanStd(0.1, 0.4), { parameters: 1_234, pareto: true }),
      okRow(meanStd(0.2, 0.4), { parameters: 12_345_678 }),
    ]);
    const header = table.split("\n")[0]!;
    const paramsEnd = header.indexOf("params") + "params".length;
    for (const value of ["567,434", "1,234", "12,345,678"]) {
      const line = lineWith(table, value);
      expect(line.indexOf(value) + value.length).toBe(paramsEnd);
    }
    const latencyEnd = header.indexOf("µs/sample") + "µs/sample".length;
    expect(lineWith(table, "base").length).toBe(latencyEnd);
  });

  it("shows the note instead of numbers for a threshold that empties a layer", () => {
    const row = okRow(meanStd(0.5, 1), {
      status: "emptied-layer",
      note: "removes all 512 neurons of hidden layer 1",
      validationAccuracy: null,
      testAccuracy: null,
      testAccuracyDrop: null,
      latencyMsPerSample: null,
    });
    const line = lineWith(renderResultsTable(base, [row]), "mean 0.5 / std 1");
    expect(line).toMatch(/^mean 0\.5 \/ std 1\s+removes all 512 neurons of hidden layer 1$/);
  });

  it("explains an emptied layer even without a note", () => {
    const row = okRow(meanStd(0.5, 1), { status: "emptied-layer" });
    expect(lineWith(renderResultsTable(base, [row]), "mean 0.5")).toContain("emptied-layer");
  });

  it("names every threshold kind readably, without float noise", () => {
    const table = renderResultsTable(base, [
      okRow(meanStd(0.1 + 0.2, 0.4)),
      okRow({ kind: "stdFold", std: 0.05 }),
      okRow({ kind: "apoz", apoz: 0.9 }),
      okRow({ kind: "rank", keepFraction: 0.25, score: "std" }),
    ]);
    expect(table).toContain("mean 0.3 / std 0.4 ");
    expect(table).toContain("fold std 0.05 ");
    expect(table).toContain("apoz >= 0.9 ");
    expect(table).toContain("keep 25% by std ");
  });

  it("writes n/a for a latency that was not measured", () => {
    const line = lineWith(renderResultsTable(base, [okRow(meanStd(0.1, 0.4), { latencyMsPerSample: null })]), "mean");
    expect(line).toMatch(/\sn\/a$/);
  });

  it("uses no ANSI escapes unless colors are asked for", () => {
    const rows = [okRow(meanStd(0.1, 0.4), { pareto: true }), okRow(meanStd(0.2, 0.4))];
    expect(renderResultsTable(base, rows)).not.toContain("\x1b[");
    const colored = renderResultsTable(base, rows, { colors: true });
    const pareto = lineWith(colored, "mean 0.1");
    expect(pareto.startsWith("\x1b[32mmean 0.1")).toBe(true);
    expect(pareto.endsWith("*\x1b[0m")).toBe(true);
    expect(lineWith(colored, "mean 0.2")).not.toContain("\x1b[32m");
  });
});
