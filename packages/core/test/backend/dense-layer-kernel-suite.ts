import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { denseForward, denseForwardFeatureMajor } from "../../src/model/dense-forward.js";
import { seededRandom } from "../../src/random/seeded-random.js";
import { expectAllClose } from "../float-comparison.js";
import { expectNoTensorLeak } from "../tensor-leaks.js";

/** Small integers: every product and every partial sum below is exact in float32, whatever the summation order. */
function integerValues(count: number, seed: number): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => Math.floor(random() * 9) - 4);
}

/**
 * Float64 reference of tf.matMul(a, b, transposeA, transposeB) for operands of shape
 * [batch, rows, columns] (batch 1 stands for rank 2), straight from the definition.
 */
function referenceMatMul(
  a: readonly number[],
  aShape: readonly [number, number, number],
  b: readonly number[],
  bShape: readonly [number, number, number],
  transposeA: boolean,
  transposeB: boolean,
): { values: number[]; rows: number; columns: number } {
  const [batch, aRows, aColumns] = aShape;
  const [, bRows, bColumns] = bShape;
  const rows = transposeA ? aColumns : aRows;
  const inner = transposeA ? aRows : aColumns;
  const columns = transposeB ? bRows : bColumns;
  const at = (n: number, i: number, k: number) =>
    a[n * aRows * aColumns + (transposeA ? k * aColumns + i : i * aColumns + k)] as number;
  const bt = (n: number, k: number, j: number) =>
    b[n * bRows * bColumns + (transposeB ? j * bColumns + k : k * bColumns + j)] as number;
  const values: number[] = [];
  for (let n = 0; n < batch; n++) {
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < columns; j++) {
        let sum = 0;
        for (let k = 0; k < inner; k++) sum += at(n, i, k) * bt(n, k, j);
        values.push(sum);
      }
    }
  }
  return { values, rows, columns };
}

const TRANSPOSE_COMBINATIONS = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const;

/**
 * The dense-layer kernels checked against float64 references: tf.matMul with every transpose
 * combination, batched and broadcast, the fused forward (bias, relu), the gradients of a dense
 * layer, and no leaks. Run by one test file per way the wasm backend computes products (OpenBLAS,
 * and the transposed-matmul fix), `kernels` naming it in the titles.
 */
export function describeDenseLayerKernels(kernels: string): void {
  describe(`tf.matMul with transposed operands (${kernels})`, () => {
    // Odd, unequal sizes: a wrong transpose or permutation fails on shape or on values.
    const rows = 5;
    const inner = 7;
    const columns = 3;

    it.each(TRANSPOSE_COMBINATIONS)("rank 2, transposeA %s, transposeB %s: equals the reference exactly", (ta, tb) => {
      const aShape = [1, ta ? inner : rows, ta ? rows : inner] as const;
      const bShape = [1, tb ? columns : inner, tb ? inner : columns] as const;
      const a = integerValues(rows * inner, 1);
      const b = integerValues(inner * columns, 2);
      const result = tf.tidy(() =>
        tf.matMul(tf.tensor2d(a, [aShape[1], aShape[2]]), tf.tensor2d(b, [bShape[1], bShape[2]]), ta, tb),
      );
      const expected = referenceMatMul(a, aShape, b, bShape, ta, tb);
      expect(result.shape).toEqual([rows, columns]);
      // Tolerance 0: integer operands make every sum exact in float32.
      expect(Array.from(result.dataSync())).toEqual(expected.values);
      result.dispose();
    });

    it.each(TRANSPOSE_COMBINATIONS)(
      "rank 3 batch 2, transposeA %s, transposeB %s: equals the reference exactly",
      (ta, tb) => {
        const batch = 2;
        const aShape = [batch, ta ? inner : rows, ta ? rows : inner] as const;
        const bShape = [batch, tb ? columns : inner, tb ? inner : columns] as const;
        const a = integerValues(batch * rows * inner, 3);
        const b = integerValues(batch * inner * columns, 4);
        const result = tf.tidy(() => tf.matMul(tf.tensor3d(a, [...aShape]), tf.tensor3d(b, [...bShape]), ta, tb));
        const expected = referenceMatMul(a, aShape, b, bShape, ta, tb);
        expect(result.shape).toEqual([batch, rows, columns]);
        // Tolerance 0: integer operands make every sum exact in float32.
        expect(Array.from(result.dataSync())).toEqual(expected.values);
        result.dispose();
      },
    );

    it("matches the reference on a product large enough for XNNPACK's tiled path", () => {
      const [m, k, n] = [33, 65, 17];
      const a = integerValues(m * k, 5);
      const b = integerValues(k * n, 6);
      const result = tf.tidy(() => tf.matMul(tf.tensor2d(a, [k, m]), tf.tensor2d(b, [n, k]), true, true));
      // Tolerance 0: |sum| <= 65 * 16, integers well inside float32's exact range.
      expect(Array.from(result.dataSync())).toEqual(referenceMatMul(a, [1, k, m], b, [1, n, k], true, true).values);
      result.dispose();
    });

    it.each(TRANSPOSE_COMBINATIONS)(
      "transposeA %s, transposeB %s leaks neither tensors nor backend buffers",
      async (ta, tb) => {
        const a = tf.tensor3d(integerValues(2 * rows * inner, 7), [2, ta ? inner : rows, ta ? rows : inner]);
        const b = tf.tensor3d(integerValues(2 * inner * columns, 8), [2, tb ? columns : inner, tb ? inner : columns]);
        // The fix materialises transposes as raw backend buffers, invisible to tf.memory(): count those too.
        const buffersBefore = tf.backend().numDataIds();
        await expectNoTensorLeak(() => {
          tf.matMul(a, b, ta, tb).dispose();
        });
        expect(tf.backend().numDataIds()).toBe(buffersBefore);
        tf.dispose([a, b]);
      },
    );
  });

  describe(`the fused dense forward and batch broadcasting (${kernels})`, () => {
    it.each(["relu", "linear"] as const)("%s with a bias: equals relu(x·W + b) exactly on integers", (activation) => {
      const [rows, inner, columns] = [6, 9, 5];
      const x = integerValues(rows * inner, 21);
      const w = integerValues(inner * columns, 22);
      const bias = integerValues(columns, 23);
      const product = referenceMatMul(x, [1, rows, inner], w, [1, inner, columns], false, false).values;
      const expected = product.map((value, index) => {
        const z = value + (bias[index % columns] as number);
        return activation === "relu" ? Math.max(0, z) : z;
      });
      const result = tf.tidy(() =>
        tf.fused.matMul({
          a: tf.tensor2d(x, [rows, inner]),
          b: tf.tensor2d(w, [inner, columns]),
          bias: tf.tensor1d(bias),
          activation,
        }),
      );
      expect(result.shape).toEqual([rows, columns]);
      // Precondition: both signs occur, so relu really clips something.
      expect(expected.some((value) => value === 0) || activation === "linear").toBe(true);
      expect(Array.from(result.dataSync())).toEqual(expected);
      result.dispose();
    });

    it("reads feature-major inputs transposed (denseForwardFeatureMajor) to the same values as denseForward", () => {
      const [rows, inner, columns] = [7, 5, 4];
      const x = integerValues(rows * inner, 28);
      const xFeatureMajor = Array.from({ length: inner * rows }, (_, index) => {
        const feature = Math.floor(index / rows);
        return x[(index % rows) * inner + feature] as number;
      });
      const layer = {
        kernel: tf.tensor2d(integerValues(inner * columns, 29), [inner, columns]),
        bias: tf.tensor1d(integerValues(columns, 30)),
        activation: "relu" as const,
      };
      const [direct, transposed] = tf.tidy(() => [
        denseForward(tf.tensor2d(x, [rows, inner]), layer),
        denseForwardFeatureMajor(tf.tensor2d(xFeatureMajor, [inner, rows]), layer),
      ]);
      expect(transposed?.shape).toEqual([rows, columns]);
      expect(Array.from(transposed?.dataSync() ?? [])).toEqual(Array.from(direct?.dataSync() ?? []));
      tf.dispose([direct, transposed, layer.kernel, layer.bias]);
    });

    it("keeps NaN through the fused relu, so the statistics can still refuse it", () => {
      const result = tf.tidy(() =>
        tf.fused.matMul({
          a: tf.tensor2d([Number.NaN, 1], [1, 2]),
          b: tf.tensor2d([1, 1], [2, 1]),
          activation: "linear",
        }),
      );
      expect(Number.isNaN(result.dataSync()[0])).toBe(true);
      result.dispose();
    });

    it("broadcasts one matrix against a batch of two, as tf.matMul defines it", () => {
      const [rows, inner, columns] = [3, 4, 2];
      const a = integerValues(2 * rows * inner, 24);
      const b = integerValues(inner * columns, 25);
      const result = tf.tidy(() => tf.matMul(tf.tensor3d(a, [2, rows, inner]), tf.tensor3d(b, [1, inner, columns])));
      const expected = [0, 1].flatMap(
        (batch) =>
          referenceMatMul(
            a.slice(batch * rows * inner, (batch + 1) * rows * inner),
            [1, rows, inner],
            b,
            [1, inner, columns],
            false,
            false,
          ).values,
      );
      expect(result.shape).toEqual([2, rows, columns]);
      expect(Array.from(result.dataSync())).toEqual(expected);
      result.dispose();
    });

    it("gives an empty result for no rows", () => {
      const empty = tf.tidy(() => tf.matMul(tf.zeros([0, 4]), tf.ones([4, 2])));
      expect(empty.shape).toEqual([0, 2]);
      empty.dispose();
    });

    it("the fused forward leaks neither tensors nor backend buffers", async () => {
      const x = tf.tensor2d(integerValues(12, 26), [3, 4]);
      const w = tf.tensor2d(integerValues(8, 27), [4, 2]);
      const bias = tf.tensor1d([1, -1]);
      const buffersBefore = tf.backend().numDataIds();
      await expectNoTensorLeak(() => {
        tf.fused.matMul({ a: x, b: w, bias, activation: "relu" }).dispose();
      });
      expect(tf.backend().numDataIds()).toBe(buffersBefore);
      tf.dispose([x, w, bias]);
    });
  });

  describe(`gradients of a dense layer (${kernels})`, () => {
    const samples = 6;
    const inputs = 5;
    const units = 4;
    const random = seededRandom(11);
    const uniform = (n: number) => Array.from({ length: n }, () => Math.fround(random() * 2 - 1));
    const x = uniform(samples * inputs);
    const w = uniform(inputs * units);
    const b = uniform(units);
    // The upstream gradient: loss = sum(activation(x·W + b) * upstream).
    const upstream = uniform(samples * units);

    /** Hand-derived float64 gradients of the loss above: dz = upstream * activation'(z), dW = x^T dz, db = sum dz, dx = dz W^T. */
    function referenceGradients(activation: "relu" | "linear") {
      const z: number[] = [];
      for (let s = 0; s < samples; s++) {
        for (let u = 0; u < units; u++) {
          let sum = b[u] as number;
          for (let i = 0; i < inputs; i++) sum += (x[s * inputs + i] as number) * (w[i * units + u] as number);
          z.push(sum);
        }
      }
      const dz = z.map((value, index) => (activation === "linear" || value > 0 ? (upstream[index] as number) : 0));
      const dw = new Array<number>(inputs * units).fill(0);
      const db = new Array<number>(units).fill(0);
      const dx = new Array<number>(samples * inputs).fill(0);
      for (let s = 0; s < samples; s++) {
        for (let u = 0; u < units; u++) {
          const g = dz[s * units + u] as number;
          db[u] = (db[u] as number) + g;
          for (let i = 0; i < inputs; i++) {
            dw[i * units + u] = (dw[i * units + u] as number) + (x[s * inputs + i] as number) * g;
            dx[s * inputs + i] = (dx[s * inputs + i] as number) + g * (w[i * units + u] as number);
          }
        }
      }
      return { z, dx, dw, db };
    }

    function tfGradients(activation: "relu" | "linear"): { dx: Float32Array; dw: Float32Array; db: Float32Array } {
      const gradients = tf.tidy(() => {
        const upstreamTensor = tf.tensor2d(upstream, [samples, units]);
        const loss = (xt: tf.Tensor, wt: tf.Tensor, bt: tf.Tensor) =>
          tf.sum(
            tf.mul(
              denseForward(xt as tf.Tensor2D, {
                kernel: wt as tf.Tensor2D,
                bias: bt as tf.Tensor1D,
                // denseForward treats the output layer ("softmax") as linear: it returns logits.
                activation: activation === "relu" ? "relu" : "softmax",
              }),
              upstreamTensor,
            ),
          );
        return tf.grads(loss)([tf.tensor2d(x, [samples, inputs]), tf.tensor2d(w, [inputs, units]), tf.tensor1d(b)]);
      });
      const [dx, dw, db] = gradients.map((tensor) => tensor.dataSync() as Float32Array);
      tf.dispose(gradients);
      return { dx: dx as Float32Array, dw: dw as Float32Array, db: db as Float32Array };
    }

    it.each(["relu", "linear"] as const)("%s: dx, dW and db equal the hand-derived reference", (activation) => {
      const expected = referenceGradients(activation);
      // Precondition: no pre-activation sits at relu's kink, where the derivative is a convention.
      expect(Math.min(...expected.z.map(Math.abs))).toBeGreaterThan(1e-3);
      const actual = tfGradients(activation);
      // 1e-5: each gradient is a float32 sum of at most 6 products of magnitude <= 1 (error ~1e-7).
      expectAllClose(actual.dx, expected.dx, { relative: 1e-5, absolute: 1e-5 });
      expectAllClose(actual.dw, expected.dw, { relative: 1e-5, absolute: 1e-5 });
      expectAllClose(actual.db, expected.db, { relative: 1e-5, absolute: 1e-5 });
    });

    it("computing the gradients leaks neither tensors nor backend buffers", async () => {
      const buffersBefore = tf.backend().numDataIds();
      await expectNoTensorLeak(() => {
        tfGradients("relu");
      });
      expect(tf.backend().numDataIds()).toBe(buffersBefore);
    });
  });
}
