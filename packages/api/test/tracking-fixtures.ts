import type { ActivationStats, SweepRow } from "@deadweight/core";
import type { RunResultsInput } from "@deadweight/protocol";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { expect } from "vitest";
import type { Actor, UserActor } from "../src/access/actor.js";
import type { TeamRole } from "../src/access/team-roles.js";
import { appRouter } from "../src/root.js";
import type { Store } from "../src/store/store.js";
import { createCallerFactory } from "../src/trpc/trpc.js";
import { createPerson, createTeam } from "./people.js";

export const createCaller = createCallerFactory(appRouter);

/** A caller acting as `actor`, as a procedure would see it after authentication. */
export function callerFor(store: Store, actor: Actor) {
  return createCaller({ store, actor });
}

/** A team with one person per role, each with a caller. */
export async function createStaffedTeam(store: Store, name: string) {
  const people = {} as Record<TeamRole, UserActor>;
  for (const role of ["owner", "admin", "member", "viewer"] as const) {
    people[role] = await createPerson(store.db, `${name} ${role}`);
  }
  const team = await createTeam(store.db, name, [
    [people.owner, "owner"],
    [people.admin, "admin"],
    [people.member, "member"],
    [people.viewer, "viewer"],
  ]);
  return {
    team,
    people,
    owner: callerFor(store, people.owner),
    admin: callerFor(store, people.admin),
    member: callerFor(store, people.member),
    viewer: callerFor(store, people.viewer),
  };
}

/** A tiny configuration (every other field takes its default). */
export function smallConfig(overrides: { hidden?: number[]; epochs?: number; seed?: number; dataset?: string } = {}) {
  return {
    dataset: overrides.dataset ?? "mnist",
    model: { hidden: overrides.hidden ?? [8, 4] },
    training: { epochs: overrides.epochs ?? 1 },
    seed: overrides.seed ?? 7,
  };
}

/**
 * A hand-checkable sweep of a 784-8-4-10 network. On validation accuracy vs size the frontier is
 * small (100 bytes, 0.80), mid (200, 0.93), full (400, 0.95); "dominated" (300, 0.90) is beaten by
 * "mid"; "emptied" has no model, so no accuracy.
 */
export function sweepRowsFixture(): SweepRow[] {
  const row = (
    id: string,
    mean: number,
    bytes: number,
    validationAccuracy: number | null,
    testAccuracy: number | null,
    kept: number[],
  ): SweepRow => ({
    id,
    threshold: { kind: "meanStd", mean, std: 0.4 },
    status: validationAccuracy === null ? "emptied-layer" : "ok",
    ...(validationAccuracy === null ? { note: "removes every neuron of hidden layer 1" } : {}),
    keptNeurons: kept,
    keptNeuronTotal: kept.reduce((a, b) => a + b, 0),
    parameters: bytes / 4,
    bytes,
    validationAccuracy,
    testAccuracy,
    validationAccuracyDrop: validationAccuracy === null ? null : (0.96 - validationAccuracy) * 100,
    testAccuracyDrop: testAccuracy === null ? null : (0.95 - testAccuracy) * 100,
    parameterReductionPercent: 100 - bytes / 5,
    neuronReductionPercent: 100 - (kept.reduce((a, b) => a + b, 0) / 12) * 100,
    latencyMsPerSample: validationAccuracy === null ? null : bytes / 1e5,
    pareto: false,
  });
  return [
    row("full", 0, 400, 0.95, 0.94, [8, 4]),
    row("dominated", 0.05, 300, 0.9, 0.91, [6, 3]),
    row("mid", 0.1, 200, 0.93, 0.92, [4, 2]),
    row("small", 0.2, 100, 0.8, 0.85, [2, 1]),
    row("emptied", 0.5, 0, null, null, [1, 0]),
  ];
}

/** Two hidden layers (3 and 2 neurons) with values chosen to need float32 rounding. */
export function activationStatsFixture(): ActivationStats {
  const edges = [0, 0.5, 1, 1.5];
  return {
    sampleCount: 6000,
    layers: [
      {
        layerIndex: 0,
        neurons: [
          { mean: 0.1, std: 0.2, min: 0, max: 1.3, apoz: 0.25 },
          { mean: 1 / 3, std: Math.PI, min: -0.7, max: 12345.678, apoz: 0 },
          { mean: 0, std: 0, min: 0, max: 0, apoz: 1 },
        ],
        histograms: [
          { edges, counts: [3000, 2000, 1000] },
          { edges, counts: [0, 4294967295, 6] },
          { edges, counts: [6000, 0, 0] },
        ],
      },
      {
        layerIndex: 1,
        neurons: [
          { mean: -2.5e-8, std: 1e-3, min: -1, max: 1, apoz: 0.5 },
          { mean: 7.123456789, std: 0.999999, min: 2, max: 9, apoz: 0.1 },
        ],
        histograms: [
          { edges: [-1, 0, 1], counts: [1, 2] },
          { edges: [-1, 0, 1], counts: [0, 6000] },
        ],
      },
    ],
  };
}

export function runResultsFixture(rows: SweepRow[] = sweepRowsFixture(), stats?: ActivationStats): RunResultsInput {
  return {
    base: {
      hiddenSizes: [8, 4],
      parameters: 125,
      bytes: 500,
      validationAccuracy: 0.96,
      testAccuracy: 0.95,
      latencyMsPerSample: 0.01,
    },
    rows,
    ...(stats === undefined ? {} : { stats }),
    backend: { name: "wasm", description: "wasm simd, transposed-matmul fix" },
    split: {
      train: { source: "mnist/train", from: 0, to: 54000 },
      validation: { source: "mnist/train", from: 54000, to: 60000 },
      test: { source: "mnist/test", from: 0, to: 10000 },
    },
    timings: { train: 12.5, statistics: 0.8, sweep: 3.1, export: 0.2 },
  };
}

/**
 * Sends one call over tRPC's HTTP handler and returns the error a client receives: the same
 * errorFormatter as production, so this is the message a person reads.
 */
export async function errorOverHttp(
  store: Store,
  actor: Actor,
  path: string,
  input: unknown,
  type: "query" | "mutation" = "mutation",
) {
  const url = `http://localhost/trpc/${path}`;
  const req =
    type === "mutation"
      ? new Request(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(input),
        })
      : new Request(`${url}?input=${encodeURIComponent(JSON.stringify(input))}`);
  const response = await fetchRequestHandler({
    endpoint: "/trpc",
    req,
    router: appRouter,
    createContext: () => ({ store, actor }),
  });
  const body = (await response.json()) as {
    error?: {
      message: string;
      data: {
        code: string;
        httpStatus: number;
        fields?: string[];
        field?: string | null;
        issues?: { field: string; message: string }[];
      };
    };
  };
  if (body.error === undefined) throw new Error(`${path} succeeded; expected it to fail`);
  return { status: response.status, message: body.error.message, ...body.error.data };
}

/** Asserts that a call over HTTP is rejected as bad input whose message names `field`. */
export async function expectBadField(
  store: Store,
  actor: Actor,
  path: string,
  input: unknown,
  field: string,
  type: "query" | "mutation" = "mutation",
) {
  const error = await errorOverHttp(store, actor, path, input, type);
  expect(error.status).toBe(400);
  expect(error.message).toContain(`${field}:`);
  return error;
}

/** The rejection of a call, for asserting on its tRPC code and message. */
export async function rejectionOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error("the call succeeded; expected it to fail");
}
