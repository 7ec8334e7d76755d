import type { AppRouter } from "@deadweight/api";
import { createTRPCClient, httpLink } from "@trpc/client";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiAs } from "./support/api-as";
import { launchChromium, openPage, screenshot, signIn } from "./support/browser";
import { ownerToken, type PlatformProcess, startPlatform } from "./support/platform-process";

// The History page end to end: the real platform process (no local worker: this file reports runs
// itself over the worker protocol, with a worker token, so the numbers are known), Debian's chromium,
// no mocks. Runs land, an alias is promoted, moved and demoted through the API; the page draws it.

let platform: PlatformProcess;
let browser: Browser;
let page: Page;
let owner: ReturnType<typeof apiAs>;
let worker: ReturnType<typeof apiAs>;

/** Retrying assertions (expect.poll) give the page as long as a locator's own wait. */
const SOON = { timeout: 20_000 };

beforeAll(async () => {
  platform = await startPlatform({ worker: false });
  owner = apiAs(platform.url, ownerToken(platform));
  const project = await owner.project.get.query({ projectId: platform.projectId });
  // API tokens cannot create tokens: a person signed in creates the worker token.
  const { token } = await (await signedInApi()).team.tokens.create.mutate({
    teamId: project.teamId,
    name: "history e2e seeder",
    kind: "worker",
  });
  worker = apiAs(platform.url, token);
  // The demos the platform queued would be claimed first; nobody is training them here.
  const runs = await owner.run.list.query({ projectId: platform.projectId, limit: 50 });
  for (const run of runs.items) {
    if (run.status === "queued" || run.status === "running") await owner.run.cancel.mutate({ runId: run.id });
  }
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  page = await context.newPage();
  page.setDefaultTimeout(20_000);
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

/** The API as the local owner signed in over HTTP (a session cookie, as the browser holds). */
async function signedInApi() {
  const response = await fetch(`${platform.url}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: platform.url },
    body: JSON.stringify({ email: platform.owner.email, password: platform.owner.password }),
  });
  if (!response.ok) throw new Error(`sign-in failed: HTTP ${response.status} ${await response.text()}`);
  const cookie = response.headers
    .getSetCookie()
    .map((header) => header.split(";")[0])
    .join("; ");
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${platform.url}/api/trpc`, headers: { cookie, origin: platform.url } })],
  });
}

interface SeedRow {
  readonly id: string;
  readonly bytes: number;
  readonly validationAccuracyDrop: number;
  readonly testAccuracyDrop: number;
}

const BASE = { validationAccuracy: 0.95, testAccuracy: 0.94 };

/** Claims the next queued run as a worker would, reports these sweep rows and finishes it. */
async function landRun(rows: readonly SeedRow[]): Promise<string> {
  const claim = await worker.worker.claim.mutate({ workerName: "history-e2e" });
  if (claim === null) throw new Error("expected a queued run of the history experiment to claim");
  const { id: runId, attempt } = claim.run;
  await worker.worker.recordResults.mutate({
    runId,
    attempt,
    results: {
      base: { hiddenSizes: [16], parameters: 12_730, bytes: 50_920, ...BASE, latencyMsPerSample: 0.01 },
      rows: rows.map((row, position) => ({
        id: row.id,
        threshold: { kind: "meanStd", mean: 0.1, std: 0.2 + position / 10 },
        status: "ok",
        keptNeurons: [16 - 2 * (position + 1)],
        keptNeuronTotal: 16 - 2 * (position + 1),
        parameters: row.bytes / 4,
        bytes: row.bytes,
        validationAccuracy: BASE.validationAccuracy - row.validationAccuracyDrop / 100,
        testAccuracy: BASE.testAccuracy - row.testAccuracyDrop / 100,
        validationAccuracyDrop: row.validationAccuracyDrop,
        testAccuracyDrop: row.testAccuracyDrop,
        parameterReductionPercent: 10 * (position + 1),
        neuronReductionPercent: 12.5 * (position + 1),
        latencyMsPerSample: 0.01,
        pareto: true,
      })),
      backend: { name: "wasm", description: "reported by the history e2e test" },
      split: {
        train: { source: "mnist-train", from: 0, to: 600 },
        validation: { source: "mnist-train", from: 600, to: 700 },
        test: { source: "mnist-test", from: 0, to: 200 },
      },
      timings: { train: 1, statistics: 1, sweep: 1 },
    },
  });
  await worker.worker.finish.mutate({ runId, attempt, outcome: "succeeded" });
  return runId;
}

async function rowIdOf(runId: string, rowKey: string): Promise<string> {
  const results = await owner.result.rows.query({ runId });
  const row = results.rows.find((candidate) => candidate.rowKey === rowKey);
  if (row === undefined) throw new Error(`run ${runId} has no row ${rowKey}`);
  return row.id;
}

const historyTable = () => page.getByTestId("trade-off-history-table");

/** Each table line as "kind:alias:action" (alias changes) or "run:<runId>" (runs landed), top to bottom. */
async function tableLines(): Promise<string[]> {
  return historyTable()
    .locator("tbody tr")
    .evaluateAll((rows) =>
      rows.map((row) => {
        const kind = row.getAttribute("data-kind");
        return kind === "run"
          ? `run:${row.getAttribute("data-run-id")}`
          : `${row.getAttribute("data-alias")}:${row.getAttribute("data-action")}`;
      }),
    );
}

describe("the trade-off history page", () => {
  it("is in the project's navigation and explains that there is nothing yet", async () => {
    await signIn(page, platform.url, platform.owner.email, platform.owner.password);
    await openPage(page, `${platform.url}/projects/${platform.projectId}`);
    await page.getByRole("tab", { name: "History" }).click();
    await page.waitForURL(/\/history$/);
    await page.getByTestId("trade-off-history-empty").getByText("Finished runs appear here").waitFor();
    expect(await page.getByTestId("trade-off-history-chart").count()).toBe(0);
    await screenshot(page, "trade-off-history-empty");
  });

  let januaryRun: string;
  let februaryRun: string;

  it("draws the alias's steps and the landed runs, and lists the events in order", async () => {
    const experiment = await owner.experiment.create.mutate({
      projectId: platform.projectId,
      name: "history e2e",
      config: {
        dataset: "mnist",
        split: { maxTrainSamples: 600, maxTestSamples: 200 },
        model: { hidden: [16] },
        training: { epochs: 1, batchSize: 64 },
        pruning: { means: [0.1], stds: [0.2, 0.3] },
      },
      runs: 2,
    });
    expect(experiment.id).toBeTruthy();
    januaryRun = await landRun([
      { id: "safe", bytes: 40_000, validationAccuracyDrop: 0.2, testAccuracyDrop: 0.3 },
      { id: "small", bytes: 20_000, validationAccuracyDrop: 0.9, testAccuracyDrop: 1.2 },
    ]);
    februaryRun = await landRun([{ id: "smaller", bytes: 16_000, validationAccuracyDrop: 0.4, testAccuracyDrop: 0.5 }]);

    const projectId = platform.projectId;
    await owner.candidate.promote.mutate({
      projectId,
      alias: "edge",
      resultRowId: await rowIdOf(januaryRun, "safe"),
      note: "first row that fits the sensor",
    });
    await owner.candidate.promote.mutate({
      projectId,
      alias: "edge",
      resultRowId: await rowIdOf(februaryRun, "smaller"),
      note: "february run is smaller at the same accuracy",
    });
    await owner.candidate.demote.mutate({ projectId, alias: "edge", note: "sensor program paused" });
    await owner.candidate.promote.mutate({
      projectId,
      alias: "production",
      resultRowId: await rowIdOf(februaryRun, "smaller"),
      note: "ship it to phones",
    });

    await page.reload();
    const chart = page.getByTestId("trade-off-history-chart");
    await page.locator('[data-testid="trade-off-history-chart"][data-chart-ready="true"]').waitFor();
    expect(await chart.getAttribute("data-alias-steps")).toBe("edge:3 production:1");
    expect(await chart.getAttribute("data-landed-points")).toBe("2");
    expect(await chart.getAttribute("aria-label")).toContain("2 aliases and 2 landed runs");
    // ECharts drew on its canvas (a blank canvas would mean an option it could not render).
    const inked = await chart.locator("canvas").evaluate((canvas: HTMLCanvasElement) => {
      const context = canvas.getContext("2d");
      if (context === null) return 0;
      const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
      let count = 0;
      for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] ?? 0) > 0) count += 1;
      return count;
    });
    expect(inked).toBeGreaterThan(1000);

    expect(await tableLines()).toEqual([
      `run:${januaryRun}`,
      `run:${februaryRun}`,
      "edge:promoted",
      "edge:moved",
      "edge:demoted",
      "production:promoted",
    ]);
    const moved = historyTable().locator('tr[data-alias="edge"][data-action="moved"]');
    await expect.poll(() => moved.textContent(), SOON).toContain("february run is smaller at the same accuracy");
    expect(await moved.textContent()).toContain("15.6 KB");
    expect(await moved.textContent()).toContain("smaller");
    // At the default 0.5 validation points, January offered its 40 KB row.
    expect(await historyTable().locator(`tr[data-run-id="${januaryRun}"]`).textContent()).toContain("39.1 KB");
    await screenshot(page, "trade-off-history");
  });

  it("offers each run's smallest row within the validation drop a reviewer chooses", async () => {
    await page.getByLabel("Runs offer rows within (validation points)").fill("1");
    const january = historyTable().locator(`tr[data-run-id="${januaryRun}"]`);
    await expect.poll(() => january.textContent(), SOON).toContain("19.5 KB");
    await page.getByLabel("Runs offer rows within (validation points)").fill("0.1");
    await expect.poll(() => january.textContent(), SOON).toContain("no row within 0.1 validation points");
    expect(await page.getByTestId("trade-off-history-chart").getAttribute("data-landed-points")).toBe("0");
  });
});
