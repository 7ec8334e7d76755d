import { describe, expect, it } from "vitest";
import { ProgressLine, type ProgressStream, renderProgressBar } from "../../src/terminal/progress-bar.js";

const CLEAR = "\r\x1b[2K";

function fakeStream(isTTY: boolean, columns?: number): ProgressStream & { chunks: string[]; text(): string } {
  const chunks: string[] = [];
  return {
    isTTY,
    ...(columns === undefined ? {} : { columns }),
    chunks,
    write(chunk: string | Uint8Array): boolean {
      chunks.push(String(chunk));
      return true;
    },
    text: () => chunks.join(""),
  };
}

describe("renderProgressBar", () => {
  it("renders label, bar, percentage, detail and ETA on one line", () => {
    expect(
      renderProgressBar({
        label: "train epoch 2/5",
        done: 9,
        total: 16,
        detail: "loss 0.213 acc 94.1%",
        etaSeconds: 12,
      }),
    ).toBe("train epoch 2/5 [#########.......]  56%  loss 0.213 acc 94.1%  ETA 12s");
  });

  it("shows an empty bar at the start and a full one at the end", () => {
    expect(renderProgressBar({ label: "sweep", done: 0, total: 20 })).toBe("sweep [................]   0%");
    expect(renderProgressBar({ label: "sweep", done: 20, total: 20 })).toBe("sweep [################] 100%");
  });

  it("never shows 100% or a full bar before the work is done", () => {
    expect(renderProgressBar({ label: "x", done: 999, total: 1000 })).toBe("x [###############.]  99%");
  });

  it("shows the exact whole percentage despite float rounding (57 of 100 is 57%)", () => {
    expect(renderProgressBar({ label: "x", done: 57, total: 100 })).toMatch(/ 57%$/);
  });

  it("uses the given bar width", () => {
    expect(renderProgressBar({ label: "x", done: 1, total: 2, width: 4 })).toBe("x [##..]  50%");
  });

  it("formats the ETA in minutes and hours", () => {
    expect(renderProgressBar({ label: "x", done: 1, total: 2, etaSeconds: 185 })).toMatch(/ETA 3m05s$/);
    expect(renderProgressBar({ label: "x", done: 1, total: 2, etaSeconds: 3720 })).toMatch(/ETA 1h02m$/);
  });

  it("leaves the ETA out while it is unknown", () => {
    expect(renderProgressBar({ label: "x", done: 0, total: 2, etaSeconds: Number.NaN })).toBe(
      "x [................]   0%",
    );
  });

  it("treats an empty job as finished and clamps overshoot", () => {
    expect(renderProgressBar({ label: "x", done: 0, total: 0, width: 4 })).toBe("x [####] 100%");
    expect(renderProgressBar({ label: "x", done: 7, total: 5, width: 4 })).toBe("x [####] 100%");
  });
});

describe("ProgressLine on a terminal", () => {
  it("redraws in place with carriage return and clear-line", () => {
    const stream = fakeStream(true);
    const clock = { t: 0 };
    const line = new ProgressLine(stream, { now: () => clock.t });
    line.update({ label: "train", done: 1, total: 10, width: 10 });
    clock.t = 200;
    line.update({ label: "train", done: 2, total: 10, width: 10 });
    expect(stream.chunks).toEqual([`${CLEAR}train [#.........]  10%`, `${CLEAR}train [##........]  20%`]);
    expect(stream.text()).not.toContain("\n");
  });

  it("redraws at most about 10 times per second", () => {
    const stream = fakeStream(true);
    const clock = { t: 0 };
    const line = new ProgressLine(stream, { now: () => clock.t });
    for (let i = 0; i < 1000; i++) {
      clock.t = i;
      line.update({ label: "train", done: i, total: 2000 });
    }
    expect(stream.chunks.length).toBe(10);
  });

  it("always draws completion even inside the throttle window", () => {
    const stream = fakeStream(true);
    const clock = { t: 0 };
    const line = new ProgressLine(stream, { now: () => clock.t });
    line.update({ label: "x", done: 1, total: 2, width: 2 });
    clock.t = 10;
    line.update({ label: "x", done: 2, total: 2, width: 2 });
    expect(stream.chunks.at(-1)).toBe(`${CLEAR}x [##] 100%`);
  });

  it("finish(message) replaces the bar with the message and ends the line", () => {
    const stream = fakeStream(true);
    const line = new ProgressLine(stream, { now: () => 0 });
    line.update({ label: "train", done: 3, total: 10 });
    line.finish("trained 5 epochs in 42s");
    expect(stream.chunks.at(-1)).toBe(`${CLEAR}trained 5 epochs in 42s\n`);
  });

  it("finish() without a message leaves the latest state, even one the throttle skipped", () => {
    const stream = fakeStream(true);
    const clock = { t: 0 };
    const line = new ProgressLine(stream, { now: () => clock.t });
    line.update({ label: "x", done: 1, total: 4, width: 4 });
    clock.t = 5;
    line.update({ label: "x", done: 3, total: 4, width: 4 });
    line.finish();
    expect(stream.chunks).toEqual([`${CLEAR}x [#...]  25%`, `${CLEAR}x [###.]  75%\n`]);
  });

  it("cuts lines to the terminal width so in-place redraws do not wrap", () => {
    const stream = fakeStream(true, 12);
    const line = new ProgressLine(stream, { now: () => 0 });
    line.update({ label: "train epoch 1/5", done: 1, total: 2 });
    expect(stream.chunks[0]).toBe(`${CLEAR}train epoch`);
  });
});

describe("ProgressLine in a log (not a terminal)", () => {
  it("prints one full line per 10% step and no control characters", () => {
    const stream = fakeStream(false);
    const line = new ProgressLine(stream);
    for (let i = 0; i <= 1000; i++) line.update({ label: "sweep", done: i, total: 1000, width: 10 });
    const lines = stream
      .text()
      .split("\n")
      .filter((l) => l !== "");
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe("sweep [..........]   0%");
    expect(lines[5]).toBe("sweep [#####.....]  50%");
    expect(lines[10]).toBe("sweep [##########] 100%");
    expect(stream.text()).not.toContain("\r");
    expect(stream.text()).not.toContain("\x1b");
  });

  it("starts over when the label changes, e.g. for the next epoch", () => {
    const stream = fakeStream(false);
    const line = new ProgressLine(stream);
    for (const epoch of [1, 2]) {
      for (let i = 0; i <= 50; i++) line.update({ label: `train epoch ${epoch}/2`, done: i, total: 50 });
    }
    const lines = stream
      .text()
      .split("\n")
      .filter((l) => l !== "");
    expect(lines).toHaveLength(22);
    expect(lines[11]).toMatch(/^train epoch 2\/2 .* {2}0%$/);
  });

  it("finish() prints the last state only if it was not printed yet", () => {
    const stream = fakeStream(false);
    const line = new ProgressLine(stream);
    line.update({ label: "x", done: 0, total: 100, width: 4 });
    line.update({ label: "x", done: 57, total: 100, width: 4 });
    line.update({ label: "x", done: 58, total: 100, width: 4 });
    line.finish();
    expect(stream.text()).toBe("x [....]   0%\nx [##..]  57%\nx [##..]  58%\n");
    line.update({ label: "y", done: 1, total: 1, width: 4 });
    line.finish();
    expect(stream.text().endsWith("x [##..]  58%\ny [####] 100%\n")).toBe(true);
  });

  it("finish(message) prints the message on its own line", () => {
    const stream = fakeStream(false);
    const line = new ProgressLine(stream);
    line.update({ label: "x", done: 1, total: 1, width: 4 });
    line.finish("done in 3s");
    expect(stream.text()).toBe("x [####] 100%\ndone in 3s\n");
  });
});
