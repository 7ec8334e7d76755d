import { join } from "node:path";
import { openDatabase } from "@deadweight/db";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiAs } from "./support/api-as";
import { launchChromium, openPage, screenshot, signedInOwnerPage } from "./support/browser";
import { ownerToken, type PlatformProcess, startPlatform } from "./support/platform-process";
import { seededRows } from "./support/seed-compared-runs";

// The experiment page of a three-seed experiment, as a person meets it: the real platform process
// (no worker), the experiment queued through the API, two of its runs finished by writing their
// rows straight into the SQLite store (training three runs would take minutes), Debian's chromium.

const ROWS = 4;

let platform: PlatformProcess;
let browser: Browser;
let page: Page;
let api: ReturnType<typeof apiAs>;
let experimentId: string;

beforeAll(async () => {
  platform = await startPlatform({ worker: false });
  api = apiAs(platform.url, ownerToken(platform));
  const experiment = await api.experiment.create.mutate({
    projectId: platform.projectId,
    name: "three seeds",
    config: { model: { hidden: [8] }, training: { epochs: 1 }, seeds: [1, 2, 3] },
  });
  experimentId = experiment.id;
  const runOf = new Map(experiment.runs.recent.map((run) => [run.seed, run.id]));
  const { db, close } = openDatabase(join(platform.dataDir, "deadweight.db"));
  try {
    for (const [r, seed] of [1, 2].entries()) {
      const runId = runOf.get(seed) ?? "";
      await db.run.update({ where: { id: runId }, data: { status: "succeeded", finishedAt: new Date() } });
      // Seed 2 never reached the last row: it must show as 1 of 2 seeds, not as a full mean.
      // Seed 2 is 3 test points worse on every row: bars long enough to see in the screenshot.
      const rows = seededRows(runId, r, ROWS)
        .slice(0, seed === 2 ? ROWS - 1 : ROWS)
        .map((row) =>
          seed === 2
            ? { ...row, testAccuracy: row.testAccuracy - 0.03, testAccuracyDrop: row.testAccuracyDrop + 3 }
            : row,
        );
      await db.resultRow.createMany({ data: rows });
    }
  } finally {
    await close();
  }
  browser = await launchChromium();
  page = await signedInOwnerPage(browser, platform);
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

describe("the experiment page of a several-seed experiment", () => {
  it("shows each row's spread across the succeeded seeds as a chart with error bars and a table", async () => {
    await openPage(page, `${platform.url}/projects/${platform.projectId}/experiments/${experimentId}`);
    const panel = page.getByTestId("seed-spread");
    await expect.poll(() => panel.getByRole("heading", { name: "Spread across seeds" }).count()).toBe(1);
    expect(await panel.textContent()).toContain("2 succeeded runs (seeds 1, 2) · 1 still queued or running");

    const chart = page.locator('[data-testid="seed-spread-chart"][data-chart-ready="true"]');
    await chart.waitFor();
    expect(await chart.getAttribute("data-points")).toBe(String(ROWS));
    expect(await chart.getAttribute("data-incomplete")).toBe("1");

    // The table says what the API aggregated: same rows, same means, the partial row marked.
    const spread = await api.experiment.seedSpread.query({ experimentId });
    const lines = page.getByTestId("seed-spread-table").locator("tbody tr");
    expect(await lines.count()).toBe(ROWS);
    const first = spread.rows[0];
    if (first === undefined) throw new Error("expected a first row");
    const firstLine = (await lines.nth(0).locator("td").allTextContents()).slice(0, 5);
    expect(firstLine).toEqual([
      first.rowKey,
      "2 of 2",
      `${(first.testAccuracy.mean * 100).toFixed(2)}%`,
      `${(first.testAccuracy.min * 100).toFixed(2)}%`,
      `${(first.testAccuracy.max * 100).toFixed(2)}%`,
    ]);
    // Seed 2 is the worse one: the bar runs 3 points (plus the runs' own jitter) from it to seed 1.
    expect(first.worstTestSeed.seed).toBe(2);
    expect(first.testAccuracy.max - first.testAccuracy.min).toBeGreaterThan(0.02);
    expect(await lines.nth(ROWS - 1).textContent()).toContain("1 of 2incomplete");
    await screenshot(page, "seed-spread");
  });

  it("lets the candidate finder ask for every seed of a row to be within a drop", async () => {
    // Seed runs' own rows are within 0.5 points on validation; no row holds a worst seed 50 points
    // better than its base, so the limit alone decides: the answer is the API's, word for word.
    const input = { projectId: platform.projectId, maxTestAccuracyDrop: 100, maxWorstSeedDropPoints: -50 };
    const expected = await api.candidate.findSmallest.query(input);
    expect(expected.candidate).toBeNull();
    await openPage(page, `${platform.url}/projects/${platform.projectId}/candidates`);
    const finder = page.getByRole("form", { name: "Find the smallest candidate" });
    await finder.getByLabel("Max accuracy drop (points)").fill("100");
    await finder.getByLabel("Worst seed's max validation drop (points)").fill("-50");
    await finder.getByRole("button", { name: "Find" }).click();
    const answer = page.getByTestId("smallest-answer");
    await answer.getByText(/^Nothing fits/).waitFor();
    expect(await answer.textContent()).toContain(expected.explanation);
    // Without the limit the same finder finds a row.
    await finder.getByLabel("Worst seed's max validation drop (points)").fill("");
    await finder.getByRole("button", { name: "Find" }).click();
    await answer.getByText("The smallest that fits").waitFor();
  });

  it("shows no spread for an experiment with a single run", async () => {
    const single = await api.experiment.create.mutate({
      projectId: platform.projectId,
      name: "one seed",
      config: { model: { hidden: [8] }, training: { epochs: 1 } },
    });
    await openPage(page, `${platform.url}/projects/${platform.projectId}/experiments/${single.id}`);
    await expect.poll(() => page.getByRole("heading", { name: "one seed" }).count()).toBe(1);
    expect(await page.getByTestId("seed-spread").count()).toBe(0);
  });
});
