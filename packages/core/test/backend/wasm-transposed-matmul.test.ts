import { describe, expect, it } from "vitest";
import { initialiseBackend } from "../../src/backend/compute-backend.js";
import { describeDenseLayerKernels } from "./dense-layer-kernel-suite.js";

// This file's process starts its backend without OpenBLAS, as on a machine without libopenblas0:
// collection runs before the setup file's initialiseBackend, which reads this variable.
process.env.DEADWEIGHT_OPENBLAS = "off";

describe("the wasm backend without OpenBLAS", () => {
  it("falls back to the transposed-matmul fix, says why, and keeps statistics and sweep on compute threads", async () => {
    const info = await initialiseBackend("wasm", { threads: 2 });
    expect(info.description).toMatch(/^wasm (simd|\(no simd\)), transposed-matmul fix/);
    expect(info.openBlas).toBeUndefined();
    expect(info.openBlasUnavailable).toBe("turned off (DEADWEIGHT_OPENBLAS=off)");
  });
});

describeDenseLayerKernels("wasm, transposed-matmul fix");
