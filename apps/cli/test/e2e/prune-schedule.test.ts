import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runDeadweight } from "./run-deadweight.js";

// `deadweight prune` with the iterative schedule, on 300 rows of three separated blobs: a 3-16-8-3
// network trained for 10 epochs, halved each round for 3 rounds with 2 epochs of fine-tuning. Seconds.

function readJson(path: string) {
  return JSON.parse(readFileSync(path, "utf8"));
}

/** Three blobs of 100 points (classes a/b/c), deterministic. */
function blobsCsv(): string {
  const lines = ["x1,x2,x3,kind"];
  for (let i = 0; i < 300; i++) {
    const centre = (i % 3) * 3;
    const noise = (k: number) => (((i * 7919 + k * 104729) % 1000) / 1000 - 0.5) * 0.8;
    lines.push(`${centre + noise(1)},${-centre + noise(2)},${noise(3)},${"abc"[i % 3]}`);
  }
  return `${lines.join("\n")}\n`;
}

describe("deadweight prune with a schedule", () => {
  const folder = mkdtempSync(join(tmpdir(), "deadweight-schedule-"));
  const out = join(folder, "run");
  let run: ReturnType<typeof runDeadweight>;

  beforeAll(() => {
    const csv = join(folder, "blobs.csv");
    writeFileSync(csv, blobsCsv());
    run = runDeadweight([
      "prune",
      "--dataset",
      `csv:${csv}`,
      "--hidden",
      "16,8",
      "--epochs",
      "10",
      "--batch-size",
      "16",
      "--learning-rate",
      "0.01",
      "--criterion",
      "rank",
      "--grid",
      "keep=0.5,1",
      "--dtypes",
      "float32",
      "--rounds",
      "3",
      "--round-threshold",
      "keep=0.5",
      "--recover-epochs",
      "2",
      "--out",
      out,
    ]);
  });

  it("prints a table of rounds and why the schedule stopped", () => {
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      "iterative schedule (each round prunes the previous round's network, then fine-tunes it):",
    );
    expect(run.stdout).toMatch(/^round-1 +keep 50% by std +8-4 /m);
    expect(run.stdout).toMatch(/^round-2 +keep 50% by std +4-2 /m);
    expect(run.stdout).toMatch(/^round-3 +keep 50% by std +2-1 /m);
    expect(run.stdout).toContain("stopped: 3 round(s) ran, the most the schedule allows");
    expect(run.stderr).toContain("schedule: round 1/3: fine-tuning keep0.5-std");
  });

  it("records the rounds in results.json: rows round-N after the sweep's, and the schedule without weights", () => {
    const results = readJson(join(out, "results.json"));
    expect(results.config.schedule).toEqual({
      rounds: 3,
      recoverEpochs: 2,
      thresholds: "fixed",
      threshold: { kind: "rank", keepFraction: 0.5, score: "std" },
      roundDrop: 1,
    });
    expect(results.rows.map((row: { id: string }) => row.id)).toEqual([
      "keep0.5-std",
      "keep1-std",
      "round-1",
      "round-2",
      "round-3",
    ]);
    expect(results.schedule.stopReason).toBe("max-rounds");
    const rounds = results.schedule.rounds as { round: number; parameters: number; keptNeurons: number[] }[];
    expect(rounds.map((round) => round.keptNeurons)).toEqual([
      [8, 4],
      [4, 2],
      [2, 1],
    ]);
    expect(rounds.every((round) => !("weights" in round))).toBe(true);
    const roundRows = results.rows.slice(2);
    expect(roundRows.map((row: { parameters: number }) => row.parameters)).toEqual(
      rounds.map((round) => round.parameters),
    );
  });

  it("writes the rounds' Pareto models from their own networks", () => {
    const results = readJson(join(out, "results.json"));
    const pareto = results.rows.filter(
      (row: { id: string; pareto: boolean }) => row.id.startsWith("round-") && row.pareto,
    );
    expect(pareto.length).toBeGreaterThan(0);
    for (const row of pareto) {
      expect(results.models[row.id]).toBe(`models/${row.id}`);
      const modelJson = readJson(join(out, "models", row.id, "model.json"));
      const units = modelJson.modelTopology.config.layers
        .map((layer: { config: { units?: number } }) => layer.config.units)
        .filter((value: number | undefined) => value !== undefined);
      expect(units).toEqual([...row.keptNeurons, 3]);
      expect(existsSync(join(out, "models", row.id, "weights.bin"))).toBe(true);
    }
  });
});
