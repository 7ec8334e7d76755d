/**
 * How fast the two heaviest pages are usable in headless chromium on this machine: the compare page
 * for 50 and for 200 runs x 30 rows, and a run page of a 784-512-256-128-10 network (896 neurons,
 * 30 thresholds). Prints JSON. "Usable" = every chart drawn in the browser (after hydration) AND the
 * page answered a first interaction (compare: "hide identical fields" toggled; run: a sweep row
 * opened), on the page's own clock from its navigation start (see interactive-load.ts). Beside the pages, the compare API alone (answer time and size, frontier and all points),
 * to tell server time from what the browser does with the answer.
 *
 *   pnpm bench:dashboard            (BENCH_REPEATS=5 by default; the first load of each page is reported apart)
 */
import { join } from "node:path";
import { MAX_COMPARED_RUNS } from "@deadweight/api/compare-limits";
import type { Page } from "playwright-core";
import { apiAs } from "../test/support/api-as";
import { launchChromium, signIn } from "../test/support/browser";
import { ownerToken, startPlatform } from "../test/support/platform-process";
import { seedSimilarRuns, trainFullNetworkRun } from "./bench-runs";
import { CHART_READY_MARKS_SCRIPT, type InteractiveLoad, timeInteractiveLoad } from "./interactive-load";
import { runLiveViewersBenchmark } from "./live-viewers-benchmark";

const COMPARED_RUNS = 50;
const MANY_COMPARED_RUNS = MAX_COMPARED_RUNS;
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
/**
 * Issue 15's targets on this machine, each a median of usable times (first load apart): the compare
 * page of 200 runs within 1 s (1.5 s cold), of 50 runs within 0.6 s, a 784-512-256-128-10 run page
 * within 0.8 s.
 */
const TARGETS_MS = { compare50Median: 600, compare200Median: 1_000, compare200FirstLoad: 1_500, runPageMedian: 800 };

const loadAtStart = (await import("node:os")).loadavg().map((load) => Math.round(load * 10) / 10);
const platform = await startPlatform();
try {
  const api = apiAs(platform.url, ownerToken(platform));
  const log = (line: string) => process.stderr.write(`${line}\n`);

  log("training one real run (784-512-256-128-10, 10,000 MNIST samples, 1 epoch, 30 thresholds)...");
  const realRunId = await trainFullNetworkRun(api, platform.projectId, "bench: full network", 300_000);

  log(`copying it into ${MANY_COMPARED_RUNS - 1} more runs of other experiments (jittered numbers)...`);
  const manyRunIds = [
    realRunId,
    ...(await seedSimilarRuns(
      join(platform.dataDir, "deadweight.db"),
      realRunId,
      MANY_COMPARED_RUNS - 1,
      "bench copy",
    )),
  ];
  const comparedRunIds = manyRunIds.slice(0, COMPARED_RUNS);

  const browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  await page.addInitScript(CHART_READY_MARKS_SCRIPT);
  await signIn(page, platform.url, platform.owner.email, platform.owner.password);

  const compareUrl = (ids: readonly string[]) =>
    `${platform.url}/projects/${platform.projectId}/compare?runs=${ids.join(",")}`;
  const runUrl = `${platform.url}/projects/${platform.projectId}/runs/${realRunId}`;
  const compare = await measure(REPEATS, () => loadComparePage(page, compareUrl(comparedRunIds)));
  const compareMany = await measure(REPEATS, () => loadComparePage(page, compareUrl(manyRunIds)));
  const runPage = await measure(REPEATS, () => loadRunPage(page, runUrl));
  await browser.close();
  const token = ownerToken(platform);
  const compareApi = {
    runs50: await timeCompareAnswer(platform.url, token, { runIds: comparedRunIds }),
    runs200: await timeCompareAnswer(platform.url, token, { runIds: manyRunIds }),
    runs200AllPoints: await timeCompareAnswer(platform.url, token, { runIds: manyRunIds, points: "all" }),
  };

  console.log(
    JSON.stringify(
      {
        // The load average says how much else this shared machine was doing: times scale with it.
        machine: {
          cpus: (await import("node:os")).cpus().length,
          node: process.version,
          loadAverageAtStart: loadAtStart,
          loadAverageAtEnd: (await import("node:os")).loadavg().map((load) => Math.round(load * 10) / 10),
        },
        comparedRuns: COMPARED_RUNS,
        manyComparedRuns: MANY_COMPARED_RUNS,
        rowsPerRun: 30,
        runPageNeurons: 896,
        targetsMs: TARGETS_MS,
        comparePage: compare,
        comparePage200: compareMany,
        compareApi,
        runPage,
        // Each target, "met" or "missed", with the time measured against it.
        targets: {
          compare50Median: verdict(compare.medianMs, TARGETS_MS.compare50Median),
          compare200Median: verdict(compareMany.medianMs, TARGETS_MS.compare200Median),
          compare200FirstLoad: verdict(compareMany.firstLoad.interactiveMs, TARGETS_MS.compare200FirstLoad),
          runPageMedian: verdict(runPage.medianMs, TARGETS_MS.runPageMedian),
        },
        liveViewers: await runLiveViewersBenchmark({ log }),
      },
      null,
      2,
    ),
  );
} finally {
  await platform.stop();
}

function verdict(measuredMs: number, targetMs: number) {
  return { result: measuredMs <= targetMs ? "met" : "missed", measuredMs, targetMs };
}

async function measure(repeats: number, load: () => Promise<InteractiveLoad>) {
  const first = await load();
  const rest: InteractiveLoad[] = [];
  for (let i = 0; i < repeats; i++) rest.push(await load());
  const median = (times: number[]) => times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
  const interactive = rest.map((sample) => sample.interactiveMs);
  return {
    firstLoad: first,
    samples: rest,
    medianMs: median(interactive) ?? first.interactiveMs,
    maxMs: interactive.length > 0 ? Math.max(...interactive) : first.interactiveMs,
    // The same loads on the harness's clock (goto to the answer noticed), as this bench reported before.
    observedMedianMs: median(rest.map((sample) => sample.observedMs)) ?? first.observedMs,
  };
}

/**
 * The compare API alone, as the page's server side asks it (one plain GET): the median answer time
 * of REPEATS warm calls after a first one, and the answer's size.
 */
async function timeCompareAnswer(baseUrl: string, token: string, input: Record<string, unknown>) {
  const url = `${baseUrl}/api/trpc/compare.runs?input=${encodeURIComponent(JSON.stringify(input))}`;
  const ask = async () => {
    const start = performance.now();
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    const body = await response.arrayBuffer();
    if (!response.ok) throw new Error(`compare.runs answered HTTP ${response.status}`);
    return { ms: performance.now() - start, bytes: body.byteLength };
  };
  const first = await ask();
  const times: number[] = [];
  for (let i = 0; i < Math.max(REPEATS, 5); i++) times.push((await ask()).ms);
  times.sort((a, b) => a - b);
  return {
    firstMs: Math.round(first.ms),
    medianMs: Math.round(times[Math.floor(times.length / 2)] ?? first.ms),
    bytes: first.bytes,
  };
}

/** Compare page: the overlay chart drawn, then "Hide identical fields" toggled (the config diff loses rows). */
function loadComparePage(page: Page, url: string) {
  return timeInteractiveLoad(page, url, {
    charts: ["overlay-chart"],
    click: { label: "Hide identical fields" },
    answer: { rowsChange: '[data-testid="config-diff"] tbody tr' },
  });
}

/** Run page: trade-off chart and neuron scatter drawn, then a sweep row opened (its details shown). */
function loadRunPage(page: Page, url: string) {
  return timeInteractiveLoad(page, url, {
    charts: ["trade-off-chart", "neuron-scatter"],
    click: { selector: '[data-testid="sweep-table"] tbody tr:nth-child(6)' },
    answer: { appears: '[data-testid="row-details"]' },
  });
}
