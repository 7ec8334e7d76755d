import { MAX_COMPARED_RUNS } from "@deadweight/api/compare-limits";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiAs } from "./support/api-as";
import { launchChromium, openPage, screenshot, signedInOwnerPage } from "./support/browser";
import { ownerToken, type PlatformProcess, startPlatform } from "./support/platform-process";
import { seedComparedRuns } from "./support/seed-compared-runs";

// Compare at its limit, as a person meets it: the real platform process (no worker: the runs are
// seeded straight into its SQLite store, 30 thresholds each), Debian's chromium, no mocks.

const ROWS_PER_RUN = 30;

let platform: PlatformProcess;
let browser: Browser;
let page: Page;
let api: ReturnType<typeof apiAs>;
/** MAX_COMPARED_RUNS + 1 runs: the last one is for the refusal. */
let runIds: string[];

/** Retrying assertions give the page as long as a locator's own wait. */
const SOON = { timeout: 30_000 };

beforeAll(async () => {
  platform = await startPlatform({ worker: false });
  api = apiAs(platform.url, ownerToken(platform));
  ({ runIds } = await seedComparedRuns(platform.dataDir, {
    projectId: platform.projectId,
    count: MAX_COMPARED_RUNS + 1,
    rowsPerRun: ROWS_PER_RUN,
  }));
  browser = await launchChromium();
  page = await signedInOwnerPage(browser, platform);
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

const compared = () => runIds.slice(0, MAX_COMPARED_RUNS);

/** Scrolls a windowed table (rows rendered only where scrolled to) to the compared run at `index`. */
async function scrollToRun(testId: "budget-table" | "config-by-run", index: number) {
  await page.getByTestId(`${testId}-scroll`).evaluate((box, i) => {
    box.scrollTop = i * Number(box.getAttribute("data-row-height"));
  }, index);
  const row = page.getByTestId(testId).locator(`tbody tr[data-run="${compared()[index]}"]`);
  await row.waitFor();
  return row;
}
const compareUrl = (ids: readonly string[], baseline?: string) =>
  `${platform.url}/projects/${platform.projectId}/compare?runs=${ids.join(",")}${baseline === undefined ? "" : `&baseline=${baseline}`}`;

/** How many pixels of the compare chart's canvas are painted (not transparent). */
const paintedPixels = () =>
  page
    .getByTestId("overlay-chart")
    .locator("canvas")
    .first()
    .evaluate((canvas: HTMLCanvasElement) => {
      const context = canvas.getContext("2d");
      const pixels = context?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray();
      let colored = 0;
      for (let i = 0; i < pixels.length; i += 4) if ((pixels[i + 3] ?? 0) > 0) colored++;
      return colored;
    });

/** A hash of every pixel of the compare chart's canvas: equal digests, the same picture. */
const canvasDigest = () =>
  page
    .getByTestId("overlay-chart")
    .locator("canvas")
    .first()
    .evaluate((canvas: HTMLCanvasElement) => {
      const pixels = canvas.getContext("2d")?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
      let hash = 2166136261;
      for (const value of pixels) hash = Math.imul(hash ^ value, 16777619) >>> 0;
      return hash.toString(16);
    });

describe(`compare with ${MAX_COMPARED_RUNS} runs`, () => {
  it("draws every run's frontier on one chart", async () => {
    await openPage(page, compareUrl(compared()));
    const overlay = page.locator('[data-testid="overlay-chart"][data-chart-ready="true"]');
    await overlay.waitFor();
    expect(await overlay.getAttribute("data-series")).toBe(String(MAX_COMPARED_RUNS));
    expect(await overlay.getAttribute("data-points-shown")).toBe("frontier");
    // What the chart holds is each run's frontier, as the API answers it.
    const frontier = await api.compare.runs.query({ runIds: compared() });
    const frontierPoints = frontier.series.reduce((sum, entry) => sum + entry.points.sizes.length, 0);
    expect(frontierPoints).toBeLessThan(MAX_COMPARED_RUNS * ROWS_PER_RUN);
    expect(await overlay.getAttribute("data-points")).toBe(String(frontierPoints));
    await expect.poll(() => page.getByRole("heading", { name: `Compare ${MAX_COMPARED_RUNS} runs` }).count()).toBe(1);
    // The canvas is painted, not blank.
    expect(await paintedPixels()).toBeGreaterThan(10_000);
    // One row per run in the tables, rendered where scrolled to: the first ones at first, the last at the bottom.
    for (const table of ["budget-table", "config-by-run"] as const) {
      expect(await page.getByTestId(table).getAttribute("data-rows")).toBe(String(MAX_COMPARED_RUNS));
      const rendered = await page.getByTestId(table).locator("tbody tr[data-run]").count();
      expect(rendered).toBeGreaterThan(5);
      expect(rendered).toBeLessThan(MAX_COMPARED_RUNS / 4);
      expect(await (await scrollToRun(table, MAX_COMPARED_RUNS - 1)).textContent()).toContain("seeded 20 · seed 299");
      await scrollToRun(table, 0);
    }
  });

  it("lists the runs in an HTML legend beside the chart, whose checkboxes hide and show their curves", async () => {
    const overlay = page.getByTestId("overlay-chart");
    const legend = page.getByTestId("run-legend");
    await expect.poll(() => legend.getByRole("checkbox").count(), SOON).toBe(MAX_COMPARED_RUNS);
    expect(await page.getByText(`${MAX_COMPARED_RUNS} of ${MAX_COMPARED_RUNS} shown`).count()).toBe(1);
    const everyCurve = await canvasDigest();

    const last = legend.getByRole("checkbox", { name: "seeded 20 · seed 299" });
    await last.uncheck();
    await expect.poll(() => overlay.getAttribute("data-hidden-series"), SOON).toBe("1");
    expect(await page.getByText(`${MAX_COMPARED_RUNS - 1} of ${MAX_COMPARED_RUNS} shown`).count()).toBe(1);

    // The run's line is left out of the chart's series: the canvas is drawn anew.
    expect(await canvasDigest()).not.toBe(everyCurve);

    // Inverted, only that run is drawn.
    await page.getByRole("button", { name: "invert", exact: true }).click();
    await expect.poll(() => overlay.getAttribute("data-hidden-series"), SOON).toBe(String(MAX_COMPARED_RUNS - 1));
    expect(await last.isChecked()).toBe(true);
    expect(await legend.getByRole("checkbox", { checked: true }).count()).toBe(1);

    // All again: the very picture of every curve.
    await page.getByRole("button", { name: "all", exact: true }).click();
    await expect.poll(() => overlay.getAttribute("data-hidden-series"), SOON).toBe("0");
    await expect.poll(() => canvasDigest(), SOON).toBe(everyCurve);
  });

  it("pins a baseline: kept in the URL, drawn apart, marked in the tables", async () => {
    const baseline = compared()[3] as string;
    await page.getByLabel("Pinned baseline").selectOption(baseline);
    await expect.poll(() => page.url(), SOON).toContain(`baseline=${baseline}`);
    await expect.poll(() => page.getByTestId("overlay-chart").getAttribute("data-baseline"), SOON).toBe(baseline);
    const baselineRow = page.getByTestId("budget-table").locator(`tbody tr[data-run="${baseline}"]`);
    expect(await baselineRow.textContent()).toContain("(baseline)");
    // Another experiment's run differs from it in its seed and its learning rate: both cells marked.
    const other = await scrollToRun("config-by-run", 150);
    expect(await other.locator("td[data-differs-from-baseline]").count()).toBe(2);

    // Reloaded from the URL, the baseline is still pinned.
    await openPage(page, compareUrl(compared(), baseline));
    await expect.poll(() => page.getByTestId("overlay-chart").getAttribute("data-baseline"), SOON).toBe(baseline);
  });

  it("shows only the fields that differ, and the identical ones on request", async () => {
    const diff = page.getByTestId("config-diff");
    await diff.waitFor();
    const differing = await diff
      .locator("tbody tr")
      .evaluateAll((rows) => rows.map((row) => [row.getAttribute("data-field"), row.getAttribute("data-differs")]));
    expect(differing).toEqual([
      ["seed", "true"],
      ["training.learningRate", "true"],
    ]);
    expect(await diff.locator('tr[data-field="seed"]').textContent()).toContain(`${MAX_COMPARED_RUNS} values`);
    await page.getByText("Hide identical fields").click();
    await diff.locator('tr[data-differs="false"]').first().waitFor({ state: "attached" });
    expect(await diff.locator('tr[data-differs="false"]').count()).toBeGreaterThan(5);
    await page.getByText("Hide identical fields").click();
    await expect.poll(() => diff.locator('tr[data-differs="false"]').count(), SOON).toBe(0);
  });

  it("answers a typed budget with each run's best row under it, chosen on validation", async () => {
    const runId = compared()[42] as string;
    const every = await api.compare.runs.query({ runIds: [runId], points: "all" });
    const points = every.series[0]?.points;
    if (points === undefined) throw new Error("no series for the run");
    // A budget between two of its sizes: the best validation accuracy among the rows that fit.
    const budget = Math.round(((points.sizes[10] ?? 0) + (points.sizes[11] ?? 0)) / 2);
    let expected = -1;
    for (const [i, size] of points.sizes.entries()) {
      if (
        size <= budget &&
        (expected < 0 || (points.validationAccuracies[i] ?? 0) > (points.validationAccuracies[expected] ?? 0))
      )
        expected = i;
    }
    expect(expected).toBeGreaterThanOrEqual(0);

    await page.getByLabel(/^Budgets/).fill(String(budget));
    await scrollToRun("budget-table", 42);
    const cell = page.getByTestId("budget-table").locator(`tbody tr[data-run="${runId}"] td[data-budget="${budget}"]`);
    await expect.poll(() => cell.getAttribute("data-row-key"), SOON).toBe(points.rowKeys[expected]);
    expect(await cell.textContent()).toContain(`${((points.testAccuracies[expected] ?? 0) * 100).toFixed(2)}%`);
    // Nothing fits a budget below every size.
    await page.getByLabel(/^Budgets/).fill("1");
    await expect
      .poll(
        () =>
          page.getByTestId("budget-table").locator(`tbody tr[data-run="${runId}"] td[data-budget="1"]`).textContent(),
        SOON,
      )
      .toBe("–");
  });

  it("fetches every point when asked, and draws them", async () => {
    const overlay = page.getByTestId("overlay-chart");
    await page.getByText("All points").click();
    await expect.poll(() => overlay.getAttribute("data-points-shown"), SOON).toBe("all");
    expect(await overlay.getAttribute("data-points")).toBe(String(MAX_COMPARED_RUNS * ROWS_PER_RUN));
    expect(await overlay.getAttribute("data-series")).toBe(String(MAX_COMPARED_RUNS));
    await screenshot(page, "compare-many");
    await page.getByText("All points").click();
    await expect.poll(() => overlay.getAttribute("data-points-shown"), SOON).toBe("frontier");
  });

  it("opens a run from its line on the chart", async () => {
    const runId = compared()[7] as string;
    await openPage(page, compareUrl([runId]));
    await page.locator('[data-testid="overlay-chart"][data-chart-ready="true"]').waitFor();
    // The only run is drawn in the palette's first color (#5070dd): a pixel of its line or its points.
    const canvas = page.getByTestId("overlay-chart").locator("canvas").first();
    const pixel = await canvas.evaluate((element: HTMLCanvasElement) => {
      const context = element.getContext("2d");
      const { width, height } = element;
      const pixels = context?.getImageData(0, 0, width, height).data ?? new Uint8ClampedArray();
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const at = (y * width + x) * 4;
          if (pixels[at] === 80 && pixels[at + 1] === 112 && pixels[at + 2] === 221 && pixels[at + 3] === 255) {
            const scale = element.width / element.getBoundingClientRect().width;
            return { x: x / scale, y: y / scale };
          }
        }
      }
      return null;
    });
    expect(pixel).not.toBeNull();
    // Hovered, its tooltip names what a click does.
    await canvas.hover({ position: pixel ?? { x: 0, y: 0 } });
    await expect.poll(() => page.getByTestId("overlay-chart").textContent(), SOON).toContain("click to open the run");
    await canvas.click({ position: pixel ?? { x: 0, y: 0 } });
    await page.waitForURL(new RegExp(`/runs/${runId}$`), SOON);
  });

  it(`refuses ${MAX_COMPARED_RUNS + 1} runs with a message that says what to do`, async () => {
    await openPage(page, compareUrl(runIds));
    const refusal = page.getByText(`compare at most ${MAX_COMPARED_RUNS} runs at once`);
    await refusal.waitFor();
    expect(await page.getByRole("link", { name: "Choose again" }).count()).toBe(1);
  });
});
