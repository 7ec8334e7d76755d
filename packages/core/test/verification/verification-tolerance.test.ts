import { describe, expect, it } from "vitest";
import { verificationToleranceSamples } from "../../src/verification/verification-tolerance.js";

describe("verificationToleranceSamples", () => {
  it("is 0 for a count measured on plain wasm, the verifier's own kernels", () => {
    expect(verificationToleranceSamples({ name: "wasm", description: "wasm simd" }, 10_000)).toBe(0);
  });

  it("allows 1 sample per 5,000 (at least 1) for a count measured with other kernels", () => {
    const openBlas = { name: "wasm", description: "wasm simd, OpenBLAS", openBlas: "OpenBLAS 0.3.21" } as const;
    expect(verificationToleranceSamples(openBlas, 10_000)).toBe(2);
    expect(verificationToleranceSamples(openBlas, 100)).toBe(1);
    expect(verificationToleranceSamples({ name: "tensorflow", description: "tfjs-node" }, 10_001)).toBe(3);
  });
});
