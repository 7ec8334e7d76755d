import { join } from "node:path";
import { openDatabase } from "@deadweight/db";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, openPage, screenshot, signedInOwnerPage } from "./support/browser";
import { type PlatformProcess, startPlatform } from "./support/platform-process";
import { seedComparedRuns, seededRows } from "./support/seed-compared-runs";

// The run page of a run with an iterative schedule, as a person meets it: the real platform process
// (no worker: one run of 5 thresholds and 3 rounds "round-N" seeded straight into its SQLite store),
// Debian's chromium, no mocks.

const THRESHOLDS = 5;
const ROUNDS = 3;

let platform: PlatformProcess;
let browser: Browser;
let page: Page;
let runId: string;

beforeAll(async () => {
  platform = await startPlatform({ worker: false });
  [runId] = (
    await seedComparedRuns(platform.dataDir, { projectId: platform.projectId, count: 1, rowsPerRun: THRESHOLDS })
  ).runIds as [string];
  const { db, close } = openDatabase(join(platform.dataDir, "deadweight.db"));
  try {
    // Rounds stored as the worker stores them: ordinary rows keyed round-N after the sweep's.
    await db.resultRow.createMany({
      data: seededRows(runId, 1, ROUNDS).map((row, k) => ({
        ...row,
        rowKey: `round-${k + 1}`,
        position: THRESHOLDS + k,
        threshold: JSON.stringify({ kind: "rank", keepFraction: 0.5, score: "std" }),
      })),
    });
  } finally {
    await close();
  }
  browser = await launchChromium();
  page = await signedInOwnerPage(browser, platform);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

describe("the run page of a run with schedule rounds", () => {
  it("draws the rounds as their own series on the trade-off chart, beside the thresholds", async () => {
    await openPage(page, `${platform.url}/projects/${platform.projectId}/runs/${runId}`);
    const chart = page.locator('[data-testid="trade-off-chart"][data-chart-ready="true"]');
    await chart.waitFor();
    expect(await chart.getAttribute("data-points")).toBe(String(THRESHOLDS + ROUNDS));
    expect(await chart.getAttribute("data-rounds")).toBe(String(ROUNDS));
    // The series handed to ECharts, in drawing order; no bundles were measured, so none of them.
    expect(await chart.getAttribute("data-series")).toBe("thresholds,schedule rounds,Pareto frontier,base model");
    await screenshot(page, "run-schedule-rounds");
  });
});
