import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { reluInPlace } from "../../src/backend/blas/blas-matmul-kernels.js";
import { loadOpenBlas } from "../../src/backend/blas/openblas-library.js";
import { initialiseBackend } from "../../src/backend/compute-backend.js";
import { seededRandom } from "../../src/random/seeded-random.js";
import { describeDenseLayerKernels } from "./dense-layer-kernel-suite.js";

describe("the backend these tests run on", () => {
  it("runs its matrix products on OpenBLAS (npm test installs libopenblas0)", async () => {
    expect((await initialiseBackend("wasm")).openBlas).toMatch(/^OpenBLAS/);
  });
});

describeDenseLayerKernels("OpenBLAS");

describe("OpenBLAS threads", () => {
  const random = seededRandom(31);
  const [m, k, n] = [300, 513, 257];
  const aValues = Float32Array.from({ length: m * k }, () => random() * 2 - 1);
  const bValues = Float32Array.from({ length: k * n }, () => random() * 2 - 1);
  const productOn = async (threads: number): Promise<Float32Array> => {
    await initialiseBackend("wasm", { threads });
    const product = tf.tidy(() => tf.matMul(tf.tensor2d(aValues, [m, k]), tf.tensor2d(bValues, [k, n])));
    const values = product.dataSync() as Float32Array;
    product.dispose();
    return values;
  };

  it("repeats a product bit for bit at the same thread count", async () => {
    for (const threads of [1, 2]) {
      const first = await productOn(threads);
      const again = await productOn(threads);
      expect(Buffer.from(again.buffer).equals(Buffer.from(first.buffer))).toBe(true);
    }
  });

  it("agrees across thread counts to float32 rounding: |difference| <= 1e-6 x sum of |terms| (the README's tolerance)", async () => {
    const one = await productOn(1);
    const two = await productOn(2);
    let worst = 0;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let magnitude = 0;
        for (let p = 0; p < k; p++)
          magnitude += Math.abs((aValues[i * k + p] as number) * (bValues[p * n + j] as number));
        const difference = Math.abs((one[i * n + j] as number) - (two[i * n + j] as number));
        worst = Math.max(worst, difference / magnitude);
      }
    }
    expect(worst).toBeLessThanOrEqual(1e-6);
  });

  it("gives zeros for an empty inner dimension (the plain wasm kernel leaves that memory unset)", () => {
    const zeros = tf.tidy(() => tf.matMul(tf.zeros([3, 0]), tf.zeros([0, 2])));
    expect(Array.from(zeros.dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
    zeros.dispose();
  });
});

describe("loadOpenBlas", () => {
  it("says what to install when the library is not there, without throwing", () => {
    const load = loadOpenBlas("/nonexistent/libopenblas.so.0");
    expect(load.loaded).toBe(false);
    if (load.loaded) return;
    expect(load.reason).toContain("/nonexistent/libopenblas.so.0");
    expect(load.reason).toContain("apt-get install libopenblas0");
    expect(load.reason).toContain("DEADWEIGHT_OPENBLAS");
  });

  it("finds Debian's libopenblas0 by name and says which it loaded", () => {
    const load = loadOpenBlas();
    expect(load.loaded).toBe(true);
    if (load.loaded) expect(load.library.description).toMatch(/^OpenBLAS .*\(libopenblas\.so\.0\)$/);
  });
});

describe("reluInPlace (the OpenBLAS fused kernel's relu, on the bits)", () => {
  it("zeroes negatives, keeps positives, infinities and every NaN, the sign-bit NaN included", () => {
    const signBitNaN = new Float32Array(new Int32Array([0xffc00000 | 0]).buffer)[0] as number;
    const values = new Float32Array([-1, 2.5, -0, 0, -Infinity, Infinity, NaN, signBitNaN, -1e-40, 1e-40, -3.4e38]);
    reluInPlace(values);
    expect(Array.from(values.subarray(0, 6))).toEqual([0, 2.5, 0, 0, 0, Infinity]);
    expect(Object.is(values[2], 0)).toBe(true);
    expect(Number.isNaN(values[6])).toBe(true);
    expect(Number.isNaN(values[7])).toBe(true);
    expect(Array.from(values.subarray(8))).toEqual([0, new Float32Array([1e-40])[0], 0]);
  });

  it("works on a view into a larger buffer without touching what is outside it", () => {
    const whole = new Float32Array([-5, -1, 1, -2, -7]);
    reluInPlace(whole.subarray(1, 4));
    expect(Array.from(whole)).toEqual([-5, 0, 1, 0, -7]);
  });
});
