import { thrownDeadweightError } from "@deadweight/test-support";
import { describe, expect, it } from "vitest";
import type { BudgetAnswer, BudgetCandidate, BudgetOption } from "../../src/budget/deployment-budget.js";
import { selectForBudget } from "../../src/budget/select-for-budget.js";

/**
 * Two pruned networks, each in three dtypes (bytes, points lost against the base):
 *   A (0.10 ms): float32 40000 / 0.00, float16 20000 / 0.05, uint8 10000 / 0.60
 *   B (0.05 ms): float32 16000 / 0.40, float16  8000 / 0.42, uint8  4000 / 1.50
 */
const CANDIDATES: BudgetCandidate[] = [
  {
    id: "A",
    latencyMsPerSample: 0.1,
    bundles: [
      { weightDtype: "float32", bytes: 40000, accuracyDropPoints: 0 },
      { weightDtype: "float16", bytes: 20000, accuracyDropPoints: 0.05 },
      { weightDtype: "uint8", bytes: 10000, accuracyDropPoints: 0.6 },
    ],
  },
  {
    id: "B",
    latencyMsPerSample: 0.05,
    bundles: [
      { weightDtype: "float32", bytes: 16000, accuracyDropPoints: 0.4 },
      { weightDtype: "float16", bytes: 8000, accuracyDropPoints: 0.42 },
      { weightDtype: "uint8", bytes: 4000, accuracyDropPoints: 1.5 },
    ],
  },
];

function option(id: "A" | "B", weightDtype: BudgetOption["weightDtype"]): BudgetOption {
  const candidate = CANDIDATES.find((c) => c.id === id) as BudgetCandidate;
  const bundle = candidate.bundles.find((b) => b.weightDtype === weightDtype) as BudgetCandidate["bundles"][number];
  return { candidateId: id, latencyMsPerSample: candidate.latencyMsPerSample, ...bundle };
}

function fitting(answer: BudgetAnswer) {
  if (!answer.fits) throw new Error(`expected an answer that fits, got: ${answer.explanation}`);
  return answer;
}

function missing(answer: BudgetAnswer) {
  if (answer.fits) throw new Error(`expected nothing to fit, got: ${answer.explanation}`);
  return answer;
}

describe("selectForBudget", () => {
  it("picks the most accurate option and says no limit binds when it is the best of all", () => {
    const answer = fitting(selectForBudget(CANDIDATES, { maxBytes: 50000 }));
    expect(answer.best).toEqual(option("A", "float32"));
    expect(answer.binding).toEqual([]);
    expect(answer.explanation).toBe(
      "A as float32 (40,000 bytes, as accurate as the base, 0.1 ms per sample) is the most accurate option within 50,000 bytes. No limit binds: no option is more accurate.",
    );
  });

  it("names the byte budget as binding, and the bytes the next more accurate option needs", () => {
    const answer = fitting(selectForBudget(CANDIDATES, { maxBytes: 30000 }));
    expect(answer.best).toEqual(option("A", "float16"));
    expect(answer.binding).toEqual([
      { constraints: ["maxBytes"], nextBetter: option("A", "float32"), limitsNeeded: { maxBytes: 40000 } },
    ]);
    expect(answer.explanation).toContain(
      "The byte budget binds: 40,000 bytes (10,000 bytes more) would allow A as float32 (40,000 bytes, as accurate as the base",
    );
  });

  it("names the latency limit when only it keeps a more accurate option out", () => {
    // Within 30000 bytes and 0.08 ms only B fits; A float16 (more accurate) misses only the latency,
    // A float32 misses both, so relaxing the bytes alone would not help.
    const answer = fitting(selectForBudget(CANDIDATES, { maxBytes: 30000, maxLatencyMsPerSample: 0.08 }));
    expect(answer.best).toEqual(option("B", "float32"));
    expect(answer.binding).toEqual([
      {
        constraints: ["maxLatencyMsPerSample"],
        nextBetter: option("A", "float16"),
        limitsNeeded: { maxLatencyMsPerSample: 0.1 },
      },
    ]);
    expect(answer.explanation).toContain("The latency limit binds: 0.1 ms per sample would allow A as float16");
  });

  it("chooses the smallest step when several more accurate options miss the same limit", () => {
    // Best within 15000 bytes and 0.08 ms: B float16 (0.42). B float32 (16000) misses only bytes and is
    // the smallest step; A's bundles are slower too.
    const answer = fitting(selectForBudget(CANDIDATES, { maxBytes: 15000, maxLatencyMsPerSample: 0.08 }));
    expect(answer.best).toEqual(option("B", "float16"));
    expect(answer.binding).toEqual([
      { constraints: ["maxBytes"], nextBetter: option("B", "float32"), limitsNeeded: { maxBytes: 16000 } },
    ]);
  });

  it("reports two limits binding together when every more accurate option misses both", () => {
    const candidates: BudgetCandidate[] = [
      {
        id: "small",
        latencyMsPerSample: 0.05,
        bundles: [{ weightDtype: "uint8", bytes: 5000, accuracyDropPoints: 1 }],
      },
      {
        id: "large",
        latencyMsPerSample: 0.2,
        bundles: [{ weightDtype: "float32", bytes: 20000, accuracyDropPoints: 0.1 }],
      },
    ];
    const answer = fitting(selectForBudget(candidates, { maxBytes: 10000, maxLatencyMsPerSample: 0.1 }));
    expect(answer.best.candidateId).toBe("small");
    expect(answer.binding).toEqual([
      {
        constraints: ["maxBytes", "maxLatencyMsPerSample"],
        nextBetter: {
          candidateId: "large",
          weightDtype: "float32",
          bytes: 20000,
          accuracyDropPoints: 0.1,
          latencyMsPerSample: 0.2,
        },
        limitsNeeded: { maxBytes: 20000, maxLatencyMsPerSample: 0.2 },
      },
    ]);
    expect(answer.explanation).toContain("The byte budget and the latency limit bind together");
  });

  it("counts an option exactly at a limit as fitting", () => {
    const answer = fitting(selectForBudget(CANDIDATES, { maxBytes: 4000, maxAccuracyDropPoints: 1.5 }));
    expect(answer.best).toEqual(option("B", "uint8"));
  });

  it("says a bundle more accurate than the base is above it", () => {
    const better: BudgetCandidate[] = [
      {
        id: "lucky",
        latencyMsPerSample: 0.1,
        bundles: [{ weightDtype: "uint8", bytes: 100, accuracyDropPoints: -0.25 }],
      },
    ];
    expect(selectForBudget(better, { maxBytes: 1000 }).explanation).toContain(
      "lucky as uint8 (100 bytes, 0.25 points above the base, 0.1 ms per sample)",
    );
  });

  it("breaks accuracy ties by fewer bytes", () => {
    const tied: BudgetCandidate[] = [
      {
        id: "big",
        latencyMsPerSample: 0.1,
        bundles: [{ weightDtype: "float32", bytes: 900, accuracyDropPoints: 0.2 }],
      },
      {
        id: "small",
        latencyMsPerSample: 0.1,
        bundles: [{ weightDtype: "uint8", bytes: 300, accuracyDropPoints: 0.2 }],
      },
    ];
    expect(fitting(selectForBudget(tied, { maxBytes: 1000 })).best.candidateId).toBe("small");
  });

  it("when nothing fits the bytes, gives the smallest option and how many bytes it is over", () => {
    const answer = missing(selectForBudget(CANDIDATES, { maxBytes: 3000 }));
    expect(answer.closest).toEqual(option("B", "uint8"));
    expect(answer.missing).toEqual([{ constraint: "maxBytes", limit: 3000, actual: 4000, excess: 1000 }]);
    expect(answer.explanation).toBe(
      "Nothing fits 3,000 bytes. Closest: B as uint8 (4,000 bytes, 1.5 points below the base, 0.05 ms per sample), which is 1,000 bytes over the byte budget.",
    );
  });

  it("when the accuracy limit rules everything out, gives the option missing it by the least", () => {
    // Within 12000 bytes: A uint8 (0.6), B float16 (0.42), B uint8 (1.5) all lose more than 0.3 points;
    // B float16 misses by 0.12, the least. Larger bundles miss the bytes by more, relatively
    // (A float16: 8000 of 12000 over = 0.67 > 0.12 / 1 point).
    const answer = missing(selectForBudget(CANDIDATES, { maxBytes: 12000, maxAccuracyDropPoints: 0.3 }));
    expect(answer.closest).toEqual(option("B", "float16"));
    expect(answer.missing).toHaveLength(1);
    expect(answer.missing[0]?.constraint).toBe("maxAccuracyDropPoints");
    expect(answer.missing[0]?.excess).toBeCloseTo(0.12, 12); // 0.42 - 0.3 in binary floating point
    expect(answer.explanation).toContain("which is 0.12 points more accuracy lost than allowed");
  });

  it("prefers an option missing one limit to one missing two", () => {
    // 2000 bytes, 0.5 points, 0.07 ms: B uint8 misses bytes (100% over) and accuracy; B float16
    // misses bytes only (300% over): fewer limits missed wins.
    const answer = missing(
      selectForBudget(CANDIDATES, { maxBytes: 2000, maxAccuracyDropPoints: 0.5, maxLatencyMsPerSample: 0.07 }),
    );
    expect(answer.closest).toEqual(option("B", "float16"));
    expect(answer.missing).toEqual([{ constraint: "maxBytes", limit: 2000, actual: 8000, excess: 6000 }]);
  });

  it("refuses a malformed budget, malformed candidates and an empty list with INVALID_OPTION", () => {
    const cases: [() => unknown, string][] = [
      [() => selectForBudget(CANDIDATES, { maxBytes: 0 }), "maxBytes must be a positive number of bytes, got 0"],
      [
        () => selectForBudget(CANDIDATES, { maxBytes: 10, maxLatencyMsPerSample: -1 }),
        "maxLatencyMsPerSample must be a positive number of milliseconds, got -1",
      ],
      [
        () => selectForBudget(CANDIDATES, { maxBytes: 10, maxAccuracyDropPoints: Number.NaN }),
        "maxAccuracyDropPoints must be a finite number of points, got NaN",
      ],
      [() => selectForBudget([], { maxBytes: 10 }), "there are no candidates to choose from"],
      [
        () =>
          selectForBudget(
            [
              {
                id: "x",
                latencyMsPerSample: 1,
                bundles: [{ weightDtype: "uint8", bytes: 1.5, accuracyDropPoints: 0 }],
              },
            ],
            { maxBytes: 10 },
          ),
        'candidate "x" (uint8): bytes must be a non-negative integer, got 1.5',
      ],
    ];
    for (const [action, message] of cases) {
      const error = thrownDeadweightError(action);
      expect(error.code).toBe("INVALID_OPTION");
      expect(error.message).toContain(message);
    }
  });
});

/**
 * A missing measurement never meets a limit. Two candidates:
 *   measured (0.05 ms):  uint8 4000 bytes / 1.00 point lost
 *   unmeasured (no latency): float32 3000 bytes / 0.10, float16 2000 bytes / accuracy not measured
 * The unmeasured one is smaller and more accurate: only a "0" read for its missing numbers would choose it.
 */
const PARTLY_MEASURED: BudgetCandidate[] = [
  { id: "measured", latencyMsPerSample: 0.05, bundles: [{ weightDtype: "uint8", bytes: 4000, accuracyDropPoints: 1 }] },
  {
    id: "unmeasured",
    latencyMsPerSample: null,
    bundles: [
      { weightDtype: "float32", bytes: 3000, accuracyDropPoints: 0.1 },
      { weightDtype: "float16", bytes: 2000, accuracyDropPoints: null },
    ],
  },
];

describe("selectForBudget with missing measurements", () => {
  it("does not let a candidate without a latency fit a latency limit, and says it was left out for that", () => {
    const answer = fitting(selectForBudget(PARTLY_MEASURED, { maxBytes: 5000, maxLatencyMsPerSample: 1 }));
    expect(answer.best.candidateId).toBe("measured");
    // Relaxing a limit cannot admit a candidate that lacks the measurement: nothing binds.
    expect(answer.binding).toEqual([]);
    expect(answer.explanation).toBe(
      "measured as uint8 (4,000 bytes, 1 points below the base, 0.05 ms per sample) is the most accurate option within 5,000 bytes, at most 1 ms per sample. " +
        "No limit binds: no measured option is more accurate. " +
        "Left out, as a missing measurement meets no limit: unmeasured as float32 (no latency measurement), unmeasured as float16 (no latency measurement).",
    );
  });

  it("does not let a bundle without an accuracy fit an accuracy limit", () => {
    // A small bundle whose reloaded accuracy was never measured, beside a larger measured one.
    const candidates: BudgetCandidate[] = [
      PARTLY_MEASURED[0]!,
      {
        id: "quiet",
        latencyMsPerSample: 0.01,
        bundles: [{ weightDtype: "float16", bytes: 2000, accuracyDropPoints: null }],
      },
    ];
    const roomy = fitting(selectForBudget(candidates, { maxBytes: 5000, maxAccuracyDropPoints: 5 }));
    expect(roomy.best.candidateId).toBe("measured");
    expect(roomy.explanation).toContain(
      "Left out, as a missing measurement meets no limit: quiet as float16 (no accuracy measurement).",
    );

    const tight = missing(selectForBudget([candidates[1]!], { maxBytes: 2500, maxAccuracyDropPoints: 5 }));
    expect(tight.closest).toMatchObject({ candidateId: "quiet", weightDtype: "float16" });
    expect(tight.missing).toEqual([{ constraint: "maxAccuracyDropPoints", limit: 5, actual: null, excess: null }]);
    expect(tight.explanation).toBe(
      "Nothing fits 2,500 bytes, at most 5 points lost. Closest: quiet as float16 (2,000 bytes, accuracy not measured, 0.01 ms per sample), which has no accuracy measurement, and a missing measurement meets no limit.",
    );
  });

  it("counts a missing measurement as one more missed limit, and prefers a measured miss to an unmeasured one", () => {
    // 1000 bytes and 1 ms: "measured" misses the bytes only (3000 over); "unmeasured" float16 misses
    // the bytes (1000 over) and has no latency: one limit more, so not closer despite fewer bytes.
    const answer = missing(selectForBudget(PARTLY_MEASURED, { maxBytes: 1000, maxLatencyMsPerSample: 1 }));
    expect(answer.closest.candidateId).toBe("measured");
    // Equal counts: the unmeasured float32 (bytes over by 2000, no latency) against the float16 (bytes
    // over by 1000, no latency, and no accuracy under a drop limit): the float32 misses fewer.
    const both = missing(
      selectForBudget([PARTLY_MEASURED[1]!], { maxBytes: 1000, maxLatencyMsPerSample: 1, maxAccuracyDropPoints: 5 }),
    );
    expect(both.closest.weightDtype).toBe("float32");
    expect(both.explanation).toContain(
      "which is 2,000 bytes over the byte budget and has no latency measurement, and a missing measurement meets no limit.",
    );
  });

  it("without a limit on it, a missing measurement neither excludes an option nor makes it the most accurate", () => {
    const answer = fitting(selectForBudget(PARTLY_MEASURED, { maxBytes: 2500 }));
    expect(answer.best).toEqual({
      candidateId: "unmeasured",
      weightDtype: "float16",
      bytes: 2000,
      accuracyDropPoints: null,
      latencyMsPerSample: null,
    });
    expect(answer.explanation).toContain(
      "unmeasured as float16 (2,000 bytes, accuracy not measured, latency not measured)",
    );
    // With room for a measured accuracy, the measured one wins over the unmeasured one.
    expect(fitting(selectForBudget(PARTLY_MEASURED, { maxBytes: 5000 })).best.weightDtype).toBe("float32");
  });
});
