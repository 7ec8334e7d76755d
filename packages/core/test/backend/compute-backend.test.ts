import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { activeBackend, initialiseBackend, usesComputeThreads } from "../../src/backend/compute-backend.js";

// The tests run where OpenBLAS is installed (npm test installs Debian's libopenblas0): the default
// wasm backend then runs its matrix products on it. wasm-transposed-matmul.test.ts covers the backend without it.
describe("initialiseBackend", () => {
  it("starts the wasm backend with its matrix products on OpenBLAS, and records which", async () => {
    const info = await initialiseBackend("wasm");
    expect(info.name).toBe("wasm");
    expect(info.description).toMatch(/^wasm (simd|\(no simd\)), matrix products on OpenBLAS \d/);
    expect(info.openBlas).toMatch(/^OpenBLAS \d+\.\d+/);
    expect(info.openBlasUnavailable).toBeUndefined();
    expect(info.warning).toBeUndefined();
    expect(tf.getBackend()).toBe("wasm");
    expect(activeBackend()).toBe(info);
  });

  it("returns the running backend when asked again, without restarting it", async () => {
    const first = await initialiseBackend("wasm");
    expect(await initialiseBackend("wasm")).toBe(first);
    // Here (no tfjs-node) "auto" chooses wasm: the one already started.
    expect(await initialiseBackend("auto")).toBe(first);
    expect(await initialiseBackend("auto")).toBe(first);
  });

  it("chooses again when the preference changes: auto after cpu is what auto chooses in a fresh thread", async () => {
    const auto = await initialiseBackend("auto");
    const cpu = await initialiseBackend("cpu");
    expect(cpu.name).toBe("cpu");
    expect(tf.getBackend()).toBe("cpu");
    // A worker's warm thread runs a run that asked for cpu, then one that asks for auto.
    expect(await initialiseBackend("auto")).toBe(auto);
    expect(tf.getBackend()).toBe(auto.name);
    expect(activeBackend()).toBe(auto);
  });

  it("gives OpenBLAS the run's threads and records them, instead of compute threads", async () => {
    const two = await initialiseBackend("wasm", { threads: 2 });
    expect(two.threads).toBe(2);
    expect(usesComputeThreads(two)).toBe(false);
    expect((await initialiseBackend("wasm", { threads: 1 })).threads).toBe(1);
  });
});
