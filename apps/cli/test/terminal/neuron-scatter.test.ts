import type { NeuronStats } from "@deadweight/core";
import { describe, expect, it } from "vitest";
import { renderNeuronScatter } from "../../src/terminal/neuron-scatter.js";

const INSIDE = /[░▒▓█]/;
const OUTSIDE = /[.:\-=+*#%@]/;

function neuron(mean: number, std: number): NeuronStats {
  return { mean, std, min: 0, max: 0, apoz: 0 };
}

function repeat(count: number, make: () => NeuronStats): NeuronStats[] {
  return Array.from({ length: count }, make);
}

/** The plot's rows as drawn right of the y axis, top to bottom (border row included). */
function plotRows(text: string): string[] {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.trim() === "std") + 1;
  const end = lines.findIndex((l) => l.includes("└"));
  const axisAt = lines[end]!.indexOf("└");
  return lines.slice(start, end).map((l) => l.slice(axisAt + 1));
}

// 200 dead neurons, a few quiet ones near the origin, and live ones spread to the upper right.
const layer = {
  layerIndex: 0,
  neurons: [
    ...repeat(200, () => neuron(0, 0)),
    neuron(0.05, 0.1),
    neuron(-0.08, 0.3),
    neuron(0.05, 0.7),
    neuron(0.6, 0.2),
    neuron(0.9, 0.8),
    neuron(0.9, 0.8),
  ],
};

describe("renderNeuronScatter", () => {
  it("titles the plot with the layer, its size and how many neurons the box holds", () => {
    const text = renderNeuronScatter(layer, { threshold: { mean: 0.1, std: 0.4 } });
    expect(text.split("\n")[0]).toBe("hidden layer 1: 206 neurons, 202 inside mean<=0.1, std<=0.4");
  });

  it("counts a neuron with a negative mean by |mean|", () => {
    const text = renderNeuronScatter(
      { layerIndex: 2, neurons: [neuron(-0.05, 0.1)] },
      { threshold: { mean: 0.1, std: 0.4 } },
    );
    expect(text.split("\n")[0]).toBe("hidden layer 3: 1 neuron, 1 inside mean<=0.1, std<=0.4");
  });

  it("plots -m and +m at the same place", () => {
    const a = renderNeuronScatter({ layerIndex: 0, neurons: [neuron(0.3, 0.2), neuron(-0.8, 0.5)] });
    const b = renderNeuronScatter({ layerIndex: 0, neurons: [neuron(0.3, 0.2), neuron(0.8, 0.5)] });
    expect(a).toBe(b);
  });

  it("fills the requested width and height", () => {
    const text = renderNeuronScatter(layer, { width: 60, height: 16, threshold: { mean: 0.1, std: 0.4 } });
    expect(plotRows(text)).toHaveLength(16);
    for (const row of plotRows(text)) expect(row.length).toBeLessThanOrEqual(60);
    const axis = text.split("\n").find((l) => l.includes("└"))!;
    expect(axis.slice(axis.indexOf("└") + 1)).toHaveLength(60);
  });

  it("draws the prune box with - and | meeting in a + corner", () => {
    const rows = plotRows(renderNeuronScatter(layer, { threshold: { mean: 0.1, std: 0.4 } }));
    const borderRow = rows.findIndex((r) => /^-+\+$/.test(r));
    expect(borderRow).toBeGreaterThan(0);
    const corner = rows[borderRow]!.length - 1;
    for (const row of rows.slice(borderRow + 1)) expect(row[corner]).toBe("|");
    for (const row of rows.slice(0, borderRow)) expect(row[corner] ?? " ").toBe(" ");
  });

  it("uses the shaded characters inside the box and the density ramp outside it", () => {
    const rows = plotRows(renderNeuronScatter(layer, { threshold: { mean: 0.1, std: 0.4 } }));
    const borderRow = rows.findIndex((r) => /^-+\+$/.test(r));
    const corner = rows[borderRow]!.length - 1;
    rows.forEach((row, i) => {
      const left = row.slice(0, corner);
      const right = row.slice(corner + 1);
      if (i > borderRow) {
        expect(left).not.toMatch(OUTSIDE);
        expect(right).not.toMatch(INSIDE);
      } else if (i < borderRow) {
        expect(row).not.toMatch(INSIDE);
      }
    });
    // The 200 dead neurons are the densest cell: the darkest shade, at the origin.
    expect(rows.at(-1)![0]).toBe("█");
    expect(rows.join("")).toMatch(OUTSIDE);
  });

  it("keeps a neuron just outside the threshold outside the drawn box", () => {
    // With these ranges the box edge snaps past 0.46 and 0.471; the neurons must still land outside it.
    const neurons = [neuron(1, 1), neuron(0.1, 0.46), neuron(0.471, 0.1)];
    const text = renderNeuronScatter({ layerIndex: 0, neurons }, { threshold: { mean: 0.47, std: 0.45 } });
    expect(text.split("\n")[0]).toContain("0 inside");
    expect(plotRows(text).join("")).not.toMatch(INSIDE);
  });

  it("labels both axes with ticks from 0 to a rounded maximum", () => {
    const lines = renderNeuronScatter(layer, { threshold: { mean: 0.1, std: 0.4 } }).split("\n");
    expect(lines[1]!.trim()).toBe("std");
    expect(lines.find((l) => l.includes("┤"))).toMatch(/^\s*0\.8 ┤/);
    expect(lines.filter((l) => l.includes("┤")).at(-1)).toMatch(/^\s*0 ┤/);
    const xLabels = lines.at(-2)!;
    expect(xLabels.trim()).toMatch(/^0\s+0\.5\s+1\.0\s+\|mean\|$/);
  });

  it("explains the characters in a legend", () => {
    const withBox = renderNeuronScatter(layer, { threshold: { mean: 0.1, std: 0.4 } })
      .split("\n")
      .at(-1)!;
    expect(withBox).toContain("log scale");
    expect(withBox).toContain("would be pruned");
    const without = renderNeuronScatter(layer).split("\n").at(-1)!;
    expect(without).not.toContain("pruned");
  });

  it("without a threshold draws no box and no shaded cells", () => {
    const text = renderNeuronScatter(layer);
    expect(text.split("\n")[0]).toBe("hidden layer 1: 206 neurons");
    expect(plotRows(text).join("")).not.toMatch(/[|+]|-{2,}/);
    expect(text).not.toMatch(INSIDE);
  });

  it("handles all neurons being identical (zero range)", () => {
    const text = renderNeuronScatter({ layerIndex: 0, neurons: repeat(5, () => neuron(0.3, 0.3)) });
    expect(text).not.toMatch(/NaN|Infinity/);
    const marks = plotRows(text).join("").replace(/ /g, "");
    expect(marks).toBe("@");
  });

  it("handles all neurons being dead (everything at 0)", () => {
    const text = renderNeuronScatter(
      { layerIndex: 0, neurons: repeat(5, () => neuron(0, 0)) },
      { threshold: { mean: 0, std: 0 } },
    );
    expect(text.split("\n")[0]).toBe("hidden layer 1: 5 neurons, 5 inside mean<=0, std<=0");
    expect(text).not.toMatch(/NaN|Infinity/);
    expect(plotRows(text).at(-1)).toBe("█|");
  });

  it("handles a single neuron", () => {
    const text = renderNeuronScatter({ layerIndex: 1, neurons: [neuron(0.2, 0.1)] }, { width: 20, height: 5 });
    expect(text.split("\n")[0]).toBe("hidden layer 2: 1 neuron");
    expect(plotRows(text).join("").replace(/ /g, "")).toBe("@");
  });

  it("says so when the layer has no neurons", () => {
    expect(renderNeuronScatter({ layerIndex: 3, neurons: [] })).toBe("hidden layer 4 has no neurons");
  });
});
