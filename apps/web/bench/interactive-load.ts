/**
 * One timed page load for `bench:dashboard`: navigation start to "every chart drawn" and to "a first
 * click answered", both read on the page's own clock (ms since its navigation started).
 *
 * Why the page's clock: a harness that notices from outside adds its own latency to every figure. With
 * Playwright's locator click, on these 2 cores, the click landed ~100 ms after the chart was drawn
 * (actionability checks: two animation frames of "stable", a hit test, a scroll; each a round trip),
 * and the answer was noticed ~90 ms after the DOM had it (frame-polled). Here:
 * - the page marks when each chart reports itself drawn (MutationObserver, installed before any script
 *   of the page runs);
 * - one frame-polled wait sees every chart drawn, finds the control to click and arms an observer
 *   for the answer;
 * - a real mouse click (CDP input events, as a user's) lands at the control's centre;
 * - the observer marks the first DOM change that is the answer.
 * `observedMs` is the same load on the harness's clock (goto to the answer noticed), reported beside it
 * to show what the harness adds.
 */
import type { Page } from "playwright-core";

export interface InteractiveLoad {
  /** Every chart drawn (the last chart's `data-chart-ready`), page clock. */
  readonly readyMs: number;
  /** The click's answer in the DOM, page clock. */
  readonly interactiveMs: number;
  /** When the mouse button went down on the page, page clock: how long the harness took to click. */
  readonly clickMs: number;
  /** goto to the answer noticed, on the harness's clock. */
  readonly observedMs: number;
}

/** Marks each chart's first `data-chart-ready="true"` on the page's clock; add once per page (page.addInitScript). */
export const CHART_READY_MARKS_SCRIPT = `
  window.__chartReadyAt = {};
  window.__pointerDownAt = undefined;
  new MutationObserver((records) => {
    for (const record of records) {
      const chart = record.target;
      if (chart.getAttribute("data-chart-ready") !== "true") continue;
      const name = chart.getAttribute("data-testid");
      if (window.__chartReadyAt[name] === undefined) window.__chartReadyAt[name] = performance.now();
    }
  }).observe(document, { attributes: true, subtree: true, attributeFilter: ["data-chart-ready"] });
  document.addEventListener("pointerdown", () => {
    if (window.__pointerDownAt === undefined) window.__pointerDownAt = performance.now();
  }, { capture: true });
`;

/** What to click once the charts are drawn, and what in the DOM is its answer. */
export interface FirstInteraction {
  /** The `data-testid`s of the charts that must be drawn. */
  readonly charts: readonly string[];
  /** What to click: the <label> with this exact text, or the first element matching a CSS selector. */
  readonly click: { readonly label: string } | { readonly selector: string };
  /**
   * The answer: the number of elements matching `rowsChange` changes, or an element matching
   * `appears` exists.
   */
  readonly answer: { readonly rowsChange: string } | { readonly appears: string };
}

export async function timeInteractiveLoad(page: Page, url: string, interaction: FirstInteraction) {
  const start = performance.now();
  await page.goto(url, { waitUntil: "commit" });
  const target = await page.waitForFunction(
    ({ charts, click, answer }) => {
      const drawn = charts.every(
        (name) => document.querySelector(`[data-testid="${name}"][data-chart-ready="true"]`) !== null,
      );
      if (!drawn) return false;
      const element =
        "label" in click
          ? [...document.querySelectorAll("label")].find((label) => label.textContent?.trim() === click.label)
          : document.querySelector(click.selector);
      if (element === undefined || element === null) return false;
      const appears = "appears" in answer;
      const selector = "appears" in answer ? answer.appears : answer.rowsChange;
      // No named functions in here: tsx would wrap them in a helper the page does not have.
      const before = document.querySelectorAll(selector).length;
      const marks = window as unknown as { __answeredAt: Promise<number> };
      marks.__answeredAt = new Promise<number>((resolve) => {
        const observer = new MutationObserver(() => {
          const now = document.querySelectorAll(selector).length;
          if (appears ? now === 0 : now === before) return;
          observer.disconnect();
          resolve(performance.now());
        });
        observer.observe(document.body, { childList: true, subtree: true });
      });
      const box = element.getBoundingClientRect();
      const inView = box.top >= 0 && box.bottom <= window.innerHeight;
      if (!inView) element.scrollIntoView({ block: "center" });
      const placed = element.getBoundingClientRect();
      return { x: placed.x + placed.width / 2, y: placed.y + placed.height / 2 };
    },
    interaction,
    { polling: "raf" },
  );
  const place = await target.jsonValue();
  await target.dispose();
  if (place === false) throw new Error(`${url}: waited for the page and found no place to click`);
  const { x, y } = place;
  await page.mouse.click(x, y);
  const times = await page.evaluate(async (charts) => {
    const marks = window as unknown as {
      __answeredAt: Promise<number>;
      __chartReadyAt: Record<string, number>;
      __pointerDownAt: number | undefined;
    };
    const interactive = await marks.__answeredAt;
    const ready = Math.max(...charts.map((name) => marks.__chartReadyAt[name] ?? Number.NaN));
    return { ready, interactive, click: marks.__pointerDownAt ?? Number.NaN };
  }, interaction.charts);
  const observedMs = performance.now() - start;
  if (!Number.isFinite(times.ready) || !Number.isFinite(times.click)) {
    throw new Error(
      `the page's marks are missing (chart drawn at ${times.ready}, click at ${times.click}): was CHART_READY_MARKS_SCRIPT added to the page?`,
    );
  }
  return {
    readyMs: Math.round(times.ready),
    interactiveMs: Math.round(times.interactive),
    clickMs: Math.round(times.click),
    observedMs: Math.round(observedMs),
  } satisfies InteractiveLoad;
}
