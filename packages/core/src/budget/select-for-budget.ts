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
 * is smaller), and what it lacks. Throws INVALID_OPTION on a malformed budget or an empty candidate list.
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
    return { fits: true, best, binding, explanation: explainFit(best, budget, binding) };
  }
  const closest = [...options].sort((a, b) => compareCloseness(a, b, budget))[0] as BudgetOption;
  const missing = shortfalls(closest, budget);
  return { fits: false, closest, missing, explanation: explainMiss(closest, budget, missing) };
}

function shortfalls(option: BudgetOption, budget: DeploymentBudget): Shortfall[] {
  const found: Shortfall[] = [];
  const check = (constraint: BudgetConstraint, limit: number | undefined, actual: number) => {
    if (limit !== undefined && actual > limit) found.push({ constraint, limit, actual, excess: actual - limit });
  };
  check("maxBytes", budget.maxBytes, option.bytes);
  check("maxAccuracyDropPoints", budget.maxAccuracyDropPoints, option.accuracyDropPoints);
  check("maxLatencyMsPerSample", budget.maxLatencyMsPerSample, option.latencyMsPerSample);
  return found;
}

/** Smallest accuracy drop; ties: fewer bytes, then lower latency, then input order. */
function mostAccurate(options: readonly BudgetOption[]): BudgetOption | null {
  let best: BudgetOption | null = null;
  for (const option of options) {
    if (
      best === null ||
      option.accuracyDropPoints < best.accuracyDropPoints ||
      (option.accuracyDropPoints === best.accuracyDropPoints &&
        (option.bytes < best.bytes ||
          (option.bytes === best.bytes && option.latencyMsPerSample < best.latencyMsPerSample)))
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
  const better = options.filter((option) => option.accuracyDropPoints < best.accuracyDropPoints);
  const binding: BindingConstraint[] = [];
  for (const constraint of ["maxBytes", "maxLatencyMsPerSample"] as const) {
    const value = (option: BudgetOption) => (constraint === "maxBytes" ? option.bytes : option.latencyMsPerSample);
    const missingOnlyThis = better.filter((option) => {
      const missed = shortfalls(option, budget);
      return missed.length === 1 && missed[0]?.constraint === constraint;
    });
    const step = missingOnlyThis.reduce<BudgetOption | null>(
      (chosen, option) =>
        chosen === null ||
        value(option) < value(chosen) ||
        (value(option) === value(chosen) && option.accuracyDropPoints < chosen.accuracyDropPoints)
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
    const step = better.reduce((chosen, option) => (option.bytes < chosen.bytes ? option : chosen));
    binding.push({
      constraints: ["maxBytes", "maxLatencyMsPerSample"],
      nextBetter: step,
      limitsNeeded: { maxBytes: step.bytes, maxLatencyMsPerSample: step.latencyMsPerSample },
    });
  }
  return binding;
}

function compareCloseness(a: BudgetOption, b: BudgetOption, budget: DeploymentBudget): number {
  const missedA = shortfalls(a, budget);
  const missedB = shortfalls(b, budget);
  if (missedA.length !== missedB.length) return missedA.length - missedB.length;
  const margin = relativeMargin(missedA) - relativeMargin(missedB);
  if (margin !== 0) return margin;
  if (a.bytes !== b.bytes) return a.bytes - b.bytes;
  return a.accuracyDropPoints - b.accuracyDropPoints;
}

function relativeMargin(missed: readonly Shortfall[]): number {
  return missed.reduce(
    (sum, shortfall) =>
      sum +
      shortfall.excess /
        (shortfall.constraint === "maxAccuracyDropPoints" ? Math.max(shortfall.limit, 1) : shortfall.limit),
    0,
  );
}

function describeOption(option: BudgetOption): string {
  const drop = option.accuracyDropPoints;
  const accuracy =
    drop === 0 ? "as accurate as the base" : `${formatPoints(Math.abs(drop))} ${drop > 0 ? "below" : "above"} the base`;
  return `${option.candidateId} as ${option.weightDtype} (${formatBytes(option.bytes)}, ${accuracy}, ${formatMs(option.latencyMsPerSample)} per sample)`;
}

function explainFit(best: BudgetOption, budget: DeploymentBudget, binding: readonly BindingConstraint[]): string {
  const head = `${describeOption(best)} is the most accurate option within ${describeBudget(budget)}.`;
  if (binding.length === 0) return `${head} No limit binds: no option is more accurate.`;
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
  return `${head} ${capitalise(reasons.join("; "))}.`;
}

function explainMiss(closest: BudgetOption, budget: DeploymentBudget, missing: readonly Shortfall[]): string {
  const lacks = missing.map((shortfall) =>
    shortfall.constraint === "maxBytes"
      ? `${formatBytes(shortfall.excess)} over the byte budget`
      : shortfall.constraint === "maxAccuracyDropPoints"
        ? `${formatPoints(shortfall.excess)} more accuracy lost than allowed`
        : `${formatMs(shortfall.excess)} per sample slower than allowed`,
  );
  return `Nothing fits ${describeBudget(budget)}. Closest: ${describeOption(closest)}, which is ${lacks.join(" and ")}.`;
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
    : !Number.isFinite(option.accuracyDropPoints)
      ? `accuracyDropPoints must be finite, got ${option.accuracyDropPoints}`
      : !(Number.isFinite(option.latencyMsPerSample) && option.latencyMsPerSample >= 0)
        ? `latencyMsPerSample must be a non-negative number, got ${option.latencyMsPerSample}`
        : null;
  if (problem !== null) {
    throw new DeadweightError(
      "INVALID_OPTION",
      `candidate "${option.candidateId}" (${option.weightDtype}): ${problem}`,
    );
  }
}
