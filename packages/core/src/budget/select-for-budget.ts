import { DeadweightError } from "../errors.js";
import type {
  BindingConstraint,
  BudgetAnswer,
  BudgetCandidate,
  BudgetConstraint,
  BudgetOption,
  DeploymentBudget,
  Shortfall,
} from "./deployment-budget.js";

/**
 * Answers a budget query over candidates (each in one or more storage dtypes).
 * Fits: the most accurate option within every limit (ties: fewer bytes, then faster), and which
 * limit binds, i.e. which limit, relaxed by how much, would allow a more accurate option (the accuracy
 * limit never binds: it only decides whether anything fits). Nothing fits: the closest option, the
 * one missing the fewest limits by the smallest relative margin (bytes and latency over their limit
 * as a fraction of it; accuracy points over the limit divided by the limit, or by 1 point if the limit
 * is smaller), and what it lacks. A missing measurement (a null latency or accuracy) never meets a
 * limit: the option misses that limit, the explanation says which measurement it lacks, and among
 * options missing equally many limits one with fewer missing measurements is closer. Throws
 * INVALID_OPTION on a malformed budget or an empty candidate list.
 */
export function selectForBudget(candidates: readonly BudgetCandidate[], budget: DeploymentBudget): BudgetAnswer {
  assertValidBudget(budget);
  const options = candidates.flatMap((candidate) =>
    candidate.bundles.map(
      (bundle): BudgetOption => ({
        candidateId: candidate.id,
        weightDtype: bundle.weightDtype,
        bytes: bundle.bytes,
        accuracyDropPoints: bundle.accuracyDropPoints,
        latencyMsPerSample: candidate.latencyMsPerSample,
      }),
    ),
  );
  if (options.length === 0) {
    throw new DeadweightError("INVALID_OPTION", "there are no candidates to choose from: export at least one bundle");
  }
  for (const option of options) assertValidOption(option);

  const feasible = options.filter((option) => shortfalls(option, budget).length === 0);
  const best = mostAccurate(feasible);
  if (best !== null) {
    const binding = bindingConstraints(options, budget, best);
    // Options that only missing measurements keep out, and that might be more accurate than `best`.
    const unmeasured = options.filter((option) => {
      const missed = shortfalls(option, budget);
      return (
        missed.length > 0 &&
        missed.every(isUnmeasured) &&
        (option.accuracyDropPoints === null || isMoreAccurate(option, best))
      );
    });
    return { fits: true, best, binding, explanation: explainFit(best, budget, binding, unmeasured) };
  }
  const closest = [...options].sort((a, b) => compareCloseness(a, b, budget))[0] as BudgetOption;
  const missing = shortfalls(closest, budget);
  return { fits: false, closest, missing, explanation: explainMiss(closest, budget, missing) };
}

function shortfalls(option: BudgetOption, budget: DeploymentBudget): Shortfall[] {
  const found: Shortfall[] = [];
  const check = (constraint: BudgetConstraint, limit: number | undefined, actual: number | null) => {
    if (limit === undefined) return;
    if (actual === null) found.push({ constraint, limit, actual: null, excess: null });
    else if (actual > limit) found.push({ constraint, limit, actual, excess: actual - limit });
  };
  check("maxBytes", budget.maxBytes, option.bytes);
  check("maxAccuracyDropPoints", budget.maxAccuracyDropPoints, option.accuracyDropPoints);
  check("maxLatencyMsPerSample", budget.maxLatencyMsPerSample, option.latencyMsPerSample);
  return found;
}

function isUnmeasured(shortfall: Shortfall): boolean {
  return shortfall.actual === null;
}

/** Whether `option` has a measured accuracy better than `than`'s (any measured one beats an unmeasured one). */
function isMoreAccurate(option: BudgetOption, than: BudgetOption): boolean {
  return (
    option.accuracyDropPoints !== null &&
    (than.accuracyDropPoints === null || option.accuracyDropPoints < than.accuracyDropPoints)
  );
}

/** Ascending order with unmeasured values last. */
function compareMeasured(a: number | null, b: number | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  return a - b;
}

/** Smallest accuracy drop (unmeasured last); ties: fewer bytes, then lower latency, then input order. */
function mostAccurate(options: readonly BudgetOption[]): BudgetOption | null {
  let best: BudgetOption | null = null;
  for (const option of options) {
    if (
      best === null ||
      (compareMeasured(option.accuracyDropPoints, best.accuracyDropPoints) ||
        option.bytes - best.bytes ||
        compareMeasured(option.latencyMsPerSample, best.latencyMsPerSample)) < 0
    ) {
      best = option;
    }
  }
  return best;
}

/**
 * For each of bytes and latency: among the more accurate options that miss only that limit, the
 * one needing the least relaxation. When none misses only one, the more accurate option missing
 * both with the fewest bytes, as a joint binding.
 */
function bindingConstraints(
  options: readonly BudgetOption[],
  budget: DeploymentBudget,
  best: BudgetOption,
): BindingConstraint[] {
  // Relaxing a limit cannot admit an option that lacks the measurement the limit needs.
  const better = options.filter(
    (option) => isMoreAccurate(option, best) && !shortfalls(option, budget).some(isUnmeasured),
  );
  const binding: BindingConstraint[] = [];
  for (const constraint of ["maxBytes", "maxLatencyMsPerSample"] as const) {
    // Measured for every option that misses only this limit (see `better`).
    const value = (option: BudgetOption) =>
      (constraint === "maxBytes" ? option.bytes : option.latencyMsPerSample) as number;
    const missingOnlyThis = better.filter((option) => {
      const missed = shortfalls(option, budget);
      return missed.length === 1 && missed[0]?.constraint === constraint;
    });
    const step = missingOnlyThis.reduce<BudgetOption | null>(
      (chosen, option) =>
        chosen === null ||
        value(option) < value(chosen) ||
        (value(option) === value(chosen) && isMoreAccurate(option, chosen))
          ? option
          : chosen,
      null,
    );
    if (step !== null) {
      binding.push({ constraints: [constraint], nextBetter: step, limitsNeeded: { [constraint]: value(step) } });
    }
  }
  if (binding.length === 0 && better.length > 0) {
    // Better options exist but each misses both limits (the accuracy limit cannot exclude a more accurate one).
    // Each misses the latency limit by a measured amount, so each has a latency.
    const step = better.reduce((chosen, option) => (option.bytes < chosen.bytes ? option : chosen));
    binding.push({
      constraints: ["maxBytes", "maxLatencyMsPerSample"],
      nextBetter: step,
      limitsNeeded: { maxBytes: step.bytes, maxLatencyMsPerSample: step.latencyMsPerSample as number },
    });
  }
  return binding;
}

function compareCloseness(a: BudgetOption, b: BudgetOption, budget: DeploymentBudget): number {
  const missedA = shortfalls(a, budget);
  const missedB = shortfalls(b, budget);
  if (missedA.length !== missedB.length) return missedA.length - missedB.length;
  const unmeasured = missedA.filter(isUnmeasured).length - missedB.filter(isUnmeasured).length;
  if (unmeasured !== 0) return unmeasured;
  const margin = relativeMargin(missedA) - relativeMargin(missedB);
  if (margin !== 0) return margin;
  if (a.bytes !== b.bytes) return a.bytes - b.bytes;
  return compareMeasured(a.accuracyDropPoints, b.accuracyDropPoints);
}

/** Summed relative excess of the measured shortfalls (unmeasured ones are compared apart). */
function relativeMargin(missed: readonly Shortfall[]): number {
  return missed.reduce(
    (sum, shortfall) =>
      shortfall.excess === null
        ? sum
        : sum +
          shortfall.excess /
            (shortfall.constraint === "maxAccuracyDropPoints" ? Math.max(shortfall.limit, 1) : shortfall.limit),
    0,
  );
}

function describeOption(option: BudgetOption): string {
  const drop = option.accuracyDropPoints;
  const accuracy =
    drop === null
      ? "accuracy not measured"
      : drop === 0
        ? "as accurate as the base"
        : `${formatPoints(Math.abs(drop))} ${drop > 0 ? "below" : "above"} the base`;
  const latency =
    option.latencyMsPerSample === null ? "latency not measured" : `${formatMs(option.latencyMsPerSample)} per sample`;
  return `${option.candidateId} as ${option.weightDtype} (${formatBytes(option.bytes)}, ${accuracy}, ${latency})`;
}

/** The measurement a limit is checked against: "latency" or "accuracy" (bytes are always known). */
function measurementOf(constraint: BudgetConstraint): string {
  return constraint === "maxLatencyMsPerSample"
    ? "latency"
    : constraint === "maxAccuracyDropPoints"
      ? "accuracy"
      : "size";
}

function unmeasuredOf(option: BudgetOption, budget: DeploymentBudget): string {
  return shortfalls(option, budget)
    .filter(isUnmeasured)
    .map((shortfall) => measurementOf(shortfall.constraint))
    .join(" or ");
}

function explainFit(
  best: BudgetOption,
  budget: DeploymentBudget,
  binding: readonly BindingConstraint[],
  unmeasured: readonly BudgetOption[],
): string {
  const head = `${describeOption(best)} is the most accurate option within ${describeBudget(budget)}.`;
  const setAside =
    unmeasured.length === 0
      ? ""
      : ` Left out, as a missing measurement meets no limit: ${unmeasured
          .map(
            (option) =>
              `${option.candidateId} as ${option.weightDtype} (no ${unmeasuredOf(option, budget)} measurement)`,
          )
          .join(", ")}.`;
  if (binding.length === 0) {
    return `${head} No limit binds: no ${unmeasured.length === 0 ? "" : "measured "}option is more accurate.${setAside}`;
  }
  const reasons = binding.map((entry) => {
    const needs = entry.constraints.map((constraint) =>
      constraint === "maxBytes"
        ? `${formatBytes(entry.limitsNeeded.maxBytes as number)} (${formatBytes((entry.limitsNeeded.maxBytes as number) - budget.maxBytes)} more)`
        : `${formatMs(entry.limitsNeeded.maxLatencyMsPerSample as number)} per sample`,
    );
    const names = entry.constraints.map((constraint) =>
      constraint === "maxBytes" ? "the byte budget" : "the latency limit",
    );
    return `${names.join(" and ")} ${entry.constraints.length > 1 ? "bind together" : "binds"}: ${needs.join(" and ")} would allow ${describeOption(entry.nextBetter)}`;
  });
  return `${head} ${capitalise(reasons.join("; "))}.${setAside}`;
}

function explainMiss(closest: BudgetOption, budget: DeploymentBudget, missing: readonly Shortfall[]): string {
  const over = missing.flatMap((shortfall) =>
    shortfall.excess === null
      ? []
      : [
          shortfall.constraint === "maxBytes"
            ? `${formatBytes(shortfall.excess)} over the byte budget`
            : shortfall.constraint === "maxAccuracyDropPoints"
              ? `${formatPoints(shortfall.excess)} more accuracy lost than allowed`
              : `${formatMs(shortfall.excess)} per sample slower than allowed`,
        ],
  );
  const unmeasured = unmeasuredOf(closest, budget);
  const lacks = [
    ...(over.length === 0 ? [] : [`is ${over.join(" and ")}`]),
    ...(unmeasured === "" ? [] : [`has no ${unmeasured} measurement, and a missing measurement meets no limit`]),
  ];
  return `Nothing fits ${describeBudget(budget)}. Closest: ${describeOption(closest)}, which ${lacks.join(" and ")}.`;
}

function describeBudget(budget: DeploymentBudget): string {
  const parts = [formatBytes(budget.maxBytes)];
  if (budget.maxAccuracyDropPoints !== undefined)
    parts.push(`at most ${formatPoints(budget.maxAccuracyDropPoints)} lost`);
  if (budget.maxLatencyMsPerSample !== undefined)
    parts.push(`at most ${formatMs(budget.maxLatencyMsPerSample)} per sample`);
  return parts.join(", ");
}

function formatBytes(bytes: number): string {
  return `${bytes.toLocaleString("en-US")} bytes`;
}

function formatPoints(points: number): string {
  return `${Number(points.toFixed(3))} points`;
}

function formatMs(ms: number): string {
  return `${Number(ms.toFixed(4))} ms`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function assertValidBudget(budget: DeploymentBudget): void {
  if (!(Number.isFinite(budget.maxBytes) && budget.maxBytes > 0)) {
    throw new DeadweightError("INVALID_OPTION", `maxBytes must be a positive number of bytes, got ${budget.maxBytes}`);
  }
  if (budget.maxAccuracyDropPoints !== undefined && !Number.isFinite(budget.maxAccuracyDropPoints)) {
    throw new DeadweightError(
      "INVALID_OPTION",
      `maxAccuracyDropPoints must be a finite number of points, got ${budget.maxAccuracyDropPoints}`,
    );
  }
  if (
    budget.maxLatencyMsPerSample !== undefined &&
    !(Number.isFinite(budget.maxLatencyMsPerSample) && budget.maxLatencyMsPerSample > 0)
  ) {
    throw new DeadweightError(
      "INVALID_OPTION",
      `maxLatencyMsPerSample must be a positive number of milliseconds, got ${budget.maxLatencyMsPerSample}`,
    );
  }
}

function assertValidOption(option: BudgetOption): void {
  const problem = !(Number.isInteger(option.bytes) && option.bytes >= 0)
    ? `bytes must be a non-negative integer, got ${option.bytes}`
    : !(option.accuracyDropPoints === null || Number.isFinite(option.accuracyDropPoints))
      ? `accuracyDropPoints must be finite (or null when not measured), got ${option.accuracyDropPoints}`
      : !(
            option.latencyMsPerSample === null ||
            (Number.isFinite(option.latencyMsPerSample) && option.latencyMsPerSample >= 0)
          )
        ? `latencyMsPerSample must be a non-negative number (or null when not measured), got ${option.latencyMsPerSample}`
        : null;
  if (problem !== null) {
    throw new DeadweightError(
      "INVALID_OPTION",
      `candidate "${option.candidateId}" (${option.weightDtype}): ${problem}`,
    );
  }
}
