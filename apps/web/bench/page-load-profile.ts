/**
 * Where one page load's time goes, for the pages `bench:dashboard` times: server answer (HTML first
 * byte), bytes and download of scripts and styles, DOMContentLoaded, React hydration done, charts
 * drawn, first interaction answered, and the main thread's CPU per script (a sampled CDP profile).
 * With PROFILE_CPU=1 it also samples the main thread (slower loads). Prints JSON. A tool for working on page speed, not a benchmark with targets.
 *
 * It keeps its platform's data between invocations (PROFILE_DATA_DIR, default /tmp/deadweight-page-profile):
 * the first invocation trains the same 784-512-256-128-10 run as the bench and seeds 199 copies; later
 * ones (e.g. after `next build`) start the platform on that store without a worker and measure at once.
 *
 *   pnpm --filter @deadweight/web exec tsx bench/page-load-profile.ts [compare50|compare200|run] [repeats]
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CDPSession, Page } from "playwright-core";
import { apiAs } from "../test/support/api-as";
import { launchChromium, signIn } from "../test/support/browser";
import { interruptPlatformChild, launchPlatformChild } from "../test/support/platform-process";
import { seedSimilarRuns, trainFullNetworkRun } from "./bench-runs";

const DATA_DIR = process.env.PROFILE_DATA_DIR ?? "/tmp/deadweight-page-profile";
const STATE_FILE = join(DATA_DIR, "page-profile-state.json");
const which = (process.argv[2] ?? "compare50") as "compare50" | "compare200" | "run";
const repeats = Number(process.argv[3] ?? 3);

interface ProfileState {
  readonly email: string;
  readonly password: string;
  readonly projectId: string;
  readonly realRunId: string;
  readonly runIds: readonly string[];
}

/** Performance marks from inside the page: hydration and each chart's first drawing, by MutationObserver. */
const MARKS_SCRIPT = `
  window.__marks = {};
  new MutationObserver((records) => {
    for (const record of records) {
      const target = record.target;
      if (record.attributeName === "data-hydrated" && window.__marks.hydrated === undefined)
        window.__marks.hydrated = performance.now();
      if (record.attributeName === "data-chart-ready" && target.getAttribute("data-chart-ready") === "true") {
        const key = "chart:" + target.getAttribute("data-testid");
        if (window.__marks[key] === undefined) window.__marks[key] = performance.now();
      }
    }
  }).observe(document, { attributes: true, subtree: true, attributeFilter: ["data-hydrated", "data-chart-ready"] });
  for (const type of ["pointerdown", "click"])
    document.addEventListener(type, () => { window.__marks[type] = performance.now(); }, { capture: true, once: true });
  document.addEventListener("DOMContentLoaded", () => {
    new MutationObserver(() => {
      if (window.__marks.click !== undefined && window.__marks.domAfterClick === undefined)
        window.__marks.domAfterClick = performance.now();
    }).observe(document.body, { childList: true, subtree: true });
  });
`;

/** CDP Performance metrics of the page's main thread (cumulative seconds), reported per load in ms. */
const MAIN_THREAD_METRICS = [
  "ScriptDuration",
  "V8CompileDuration",
  "RecalcStyleDuration",
  "LayoutDuration",
  "TaskDuration",
];

const firstStart = !existsSync(STATE_FILE);
mkdirSync(DATA_DIR, { recursive: true });
const platform = await startPlatform(firstStart);
try {
  const state = firstStart
    ? await arrangeData(platform)
    : (JSON.parse(readFileSync(STATE_FILE, "utf8")) as ProfileState);
  if (firstStart) writeFileSync(STATE_FILE, JSON.stringify(state));
  const browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  await page.addInitScript(MARKS_SCRIPT);
  await signIn(page, platform.url, state.email, state.password);
  const base = `${platform.url}/projects/${state.projectId}`;
  const url =
    which === "run"
      ? `${base}/runs/${state.realRunId}`
      : `${base}/compare?runs=${state.runIds.slice(0, which === "compare50" ? 50 : 200).join(",")}`;
  const cdp = await context.newCDPSession(page);
  await loadOnce(page, url, which, null); // warm: server caches, browser's compiled-code cache
  const loads = [];
  for (let i = 0; i < repeats; i++) loads.push(await loadOnce(page, url, which, cdp));
  let tracedLoad: unknown = null;
  const traced = await traceOnce(cdp, async () => {
    const load = await loadOnce(page, url, which, null);
    tracedLoad = load;
    return load;
  });
  await browser.close();
  console.log(JSON.stringify({ page: which, loads, tracedLoad, mainThread: traced }, null, 2));
} finally {
  await platform.stop();
}

async function loadOnce(page: Page, url: string, kind: typeof which, cdp: CDPSession | null) {
  const serverCpuBefore = platform.cpuMs();
  const browserBefore = cdp === null ? null : await browserCpu(cdp);
  const sampling = cdp !== null && process.env.PROFILE_CPU === "1";
  if (sampling) {
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 500 });
    await cdp.send("Profiler.start");
  }
  await page.goto(url, { waitUntil: "commit" });
  const charts = kind === "run" ? ["trade-off-chart", "neuron-scatter"] : ["overlay-chart"];
  for (const chart of charts) await page.locator(`[data-testid="${chart}"][data-chart-ready="true"]`).waitFor();
  const readyAt = await page.evaluate(() => performance.now());
  if (kind === "run") {
    await page.getByTestId("sweep-table").locator("tbody tr").nth(5).click();
    await page.getByTestId("row-details").waitFor();
  } else {
    const before = await page.locator('[data-testid="config-diff"] tbody tr').count();
    await page.getByText("Hide identical fields").click();
    await page.waitForFunction(
      (count) => document.querySelectorAll('[data-testid="config-diff"] tbody tr').length !== count,
      before,
    );
  }
  const interactiveAt = await page.evaluate(() => performance.now());
  const serverCpuMs = platform.cpuMs() - serverCpuBefore;
  const browserAfter = cdp === null ? null : await browserCpu(cdp);
  const timings = await page.evaluate(() => {
    const navigation = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
    const resources = (performance.getEntriesByType("resource") as PerformanceResourceTiming[]).map((entry) => ({
      name: entry.name.replace(location.origin, ""),
      kind: entry.initiatorType,
      start: Math.round(entry.startTime),
      end: Math.round(entry.responseEnd),
      bytes: entry.encodedBodySize,
    }));
    return {
      htmlFirstByte: Math.round(navigation.responseStart),
      htmlEnd: Math.round(navigation.responseEnd),
      htmlBytes: navigation.encodedBodySize,
      domContentLoaded: Math.round(navigation.domContentLoadedEventEnd),
      loadEvent: Math.round(navigation.loadEventEnd),
      // What each chart drew: its series and points (the EChart's data attributes).
      charts: [...document.querySelectorAll("[data-chart-ready]")].map(
        (chart) =>
          `${chart.getAttribute("data-testid")}: ${chart.getAttribute("data-series") ?? "?"} series, ${chart.getAttribute("data-points") ?? "?"} points`,
      ),
      measures: performance
        .getEntriesByType("measure")
        .map((entry) => `${entry.name} ${Math.round(entry.startTime)}+${Math.round(entry.duration)}`),
      marks: Object.fromEntries(
        Object.entries((window as unknown as { __marks: Record<string, number> }).__marks).map(([k, v]) => [
          k,
          Math.round(v),
        ]),
      ),
      resources,
    };
  });
  let cpu: Record<string, number> | null = null;
  let functions: Record<string, number> | null = null;
  if (sampling) {
    const { profile } = await cdp.send("Profiler.stop");
    cpu = selfTimeByScript(profile);
    functions = selfTimeByFunction(profile);
  }
  return {
    readyMs: Math.round(readyAt),
    interactiveMs: Math.round(interactiveAt),
    serverCpuMs,
    // The page's renderer: CPU of its main thread and of the whole process, from CDP's Performance metrics.
    browserCpuMs:
      browserBefore === null || browserAfter === null
        ? null
        : {
            process: Math.round(browserAfter.process - browserBefore.process),
            ...Object.fromEntries(
              MAIN_THREAD_METRICS.map((name) => [
                name,
                Math.round((browserAfter.main[name] ?? 0) - (browserBefore.main[name] ?? 0)),
              ]),
            ),
          },
    ...timings,
    cpuMsByScript: cpu,
    cpuMsByFunction: functions,
  };
}

interface CpuProfile {
  nodes: { id: number; callFrame: { url: string; functionName: string }; children?: number[] }[];
  samples?: number[];
  timeDeltas?: number[];
}

/** Sampled self time (ms) per script file (or V8's own buckets: GC, program, idle), largest first. */
function selfTimeByScript(profile: CpuProfile): Record<string, number> {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const node = byNode.get(samples[i]!);
    if (node === undefined) continue;
    const url = node.callFrame.url;
    const key = url === "" ? `(${node.callFrame.functionName || "native"})` : url.replace(/^https?:\/\/[^/]+/, "");
    totals.set(key, (totals.get(key) ?? 0) + (deltas[i + 1] ?? 0) / 1000);
  }
  return Object.fromEntries(
    [...totals.entries()]
      .filter(([, ms]) => ms >= 2)
      .sort((a, b) => b[1] - a[1])
      .map(([key, ms]) => [key, Math.round(ms)]),
  );
}

interface ProfilePlatform {
  readonly url: string;
  /** The server process's CPU time so far (user + system), ms. */
  readonly cpuMs: () => number;
  readonly output: () => string;
  stop(): Promise<void>;
}

async function startPlatform(withWorker: boolean): Promise<ProfilePlatform> {
  let output = "";
  const running = await launchPlatformChild({
    dataDir: DATA_DIR,
    port: 0,
    platformArguments: withWorker ? [] : ["--no-worker"],
    // PROFILE_SERVER=<dir>: the server's own CPU profile (node --cpu-prof), written there when it stops.
    nodeArguments:
      process.env.PROFILE_SERVER === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${process.env.PROFILE_SERVER}`],
    onOutput: (chunk) => {
      output += chunk.toString("utf8");
    },
    outputSince: () => output,
  });
  const url = /Deadweight platform: (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
  if (url === undefined) throw new Error(`unexpected platform output:\n${output}`);
  return {
    url,
    cpuMs: () => {
      // /proc/<pid>/stat: utime and stime are fields 14 and 15, in clock ticks (100 per second here).
      const fields = readFileSync(`/proc/${running.child.pid}/stat`, "utf8")
        .replace(/^.*\) /, "")
        .split(" ");
      return (Number(fields[11]) + Number(fields[12])) * 10;
    },
    output: () => output,
    stop: () => interruptPlatformChild(running),
  };
}

/** First start: the bench's real run (trained by the local worker) and 199 jittered copies. */
async function arrangeData(platform: ProfilePlatform): Promise<ProfileState> {
  const text = platform.output();
  const email = /email: +(\S+)/.exec(text)?.[1];
  const password = /password: +(\S+)/.exec(text)?.[1];
  const projectId = /--project (\S+)/.exec(text)?.[1];
  if (email === undefined || password === undefined || projectId === undefined)
    throw new Error(`unexpected platform output:\n${text}`);
  const api = apiAs(platform.url, readFileSync(join(DATA_DIR, "cli-token"), "utf8").trim());
  const realRunId = await trainFullNetworkRun(api, projectId, "profile: full network", 600_000);
  const copies = await seedSimilarRuns(join(DATA_DIR, "deadweight.db"), realRunId, 199, "profile copy");
  return { email, password, projectId, realRunId, runIds: [realRunId, ...copies] };
}

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: { url?: string } };
}

/**
 * One load under a CDP trace: the renderer main thread's self time (ms) per activity (parse HTML,
 * compile, evaluate script, style, layout, paint...), nested events subtracted from their parents.
 */
async function traceOnce(cdp: CDPSession, load: () => Promise<{ measures: string[] }>) {
  const events: TraceEvent[] = [];
  cdp.on("Tracing.dataCollected", (message) => {
    events.push(...(message.value as unknown as TraceEvent[]));
  });
  const complete = new Promise<void>((resolve) => cdp.once("Tracing.tracingComplete", () => resolve()));
  const pageTimes = { firstMeasure: "" };
  await cdp.send("Tracing.start", {
    categories:
      "devtools.timeline,v8,v8.execute,blink,blink.user_timing,loading,disabled-by-default-devtools.timeline,__metadata",
    transferMode: "ReportEvents",
  });
  pageTimes.firstMeasure = (await load()).measures[0] ?? "";
  await cdp.send("Tracing.end");
  await complete;
  const mainThreads = new Set(
    events
      .filter((event) => event.name === "thread_name" && event.args?.name === "CrRendererMain")
      .map((event) => `${event.pid}:${event.tid}`),
  );
  const spans = events
    .filter((event) => event.ph === "X" && event.dur !== undefined && mainThreads.has(`${event.pid}:${event.tid}`))
    .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const self = new Map<string, number>();
  const stack: { end: number; key: string; thread: string }[] = [];
  for (const span of spans) {
    const thread = `${span.pid}:${span.tid}`;
    while (stack.length > 0 && (stack.at(-1)!.end <= span.ts || stack.at(-1)!.thread !== thread)) stack.pop();
    const key =
      span.name === "EvaluateScript" || span.name === "v8.compile"
        ? `${span.name} ${(span.args?.data?.url ?? "").replace(/^https?:\/\/[^/]+/, "").slice(0, 60)}`
        : span.name;
    self.set(key, (self.get(key) ?? 0) + (span.dur ?? 0));
    const parent = stack.at(-1);
    if (parent !== undefined) self.set(parent.key, (self.get(parent.key) ?? 0) - (span.dur ?? 0));
    stack.push({ end: span.ts + (span.dur ?? 0), key, thread });
  }
  // Times on the page's own clock (ms since its navigation started), lined up by the first chart's
  // User Timing entry, whose start the page reported too.
  const firstChart = events.find((event) => event.name.startsWith("echarts ") && event.ph !== "e");
  const firstChartStart = Number(/ (\d+)\+/.exec(pageTimes.firstMeasure)?.[1] ?? 0);
  const navigationStart = firstChart === undefined ? (spans[0]?.ts ?? 0) : firstChart.ts - firstChartStart * 1000;
  // The main thread's long tasks on a time line (ms from navigation start), each with its three biggest kinds of work.
  const tasks = spans
    .filter((span) => span.name === "RunTask" && (span.dur ?? 0) >= 4_000)
    .map((task) => {
      const end = task.ts + (task.dur ?? 0);
      const inside = new Map<string, number>();
      for (const span of spans) {
        if (span === task || span.ts < task.ts || span.ts >= end || span.tid !== task.tid) continue;
        const key =
          span.name === "EvaluateScript" || span.name === "v8.compile"
            ? `${span.name} ${(span.args?.data?.url ?? "").replace(/^https?:\/\/[^/]+/, "").slice(0, 50)}`
            : span.name;
        if (
          [
            "FunctionCall",
            "EvaluateScript",
            "v8.compile",
            "ParseHTML",
            "Layout",
            "UpdateLayoutTree",
            "Paint",
            "MajorGC",
            "MinorGC",
            "TimerFire",
            "FireAnimationFrame",
            "EventDispatch",
            "v8.run",
            "RunMicrotasks",
            "Document::recalcStyle",
            "LocalFrameView::performLayout",
            "Canvas2DResourceProvider::ProduceCanvasResource",
            "Frame::Detach",
            "HTMLParserScriptRunner::execute",
            "ResourceFetcher::requestResource",
            "V8.GC_SCAVENGER_SCAVENGE_PARALLEL",
            "Commit",
          ].includes(span.name) ||
          key.startsWith("EvaluateScript") ||
          key.startsWith("v8.compile")
        )
          inside.set(key, (inside.get(key) ?? 0) + (span.dur ?? 0));
      }
      const top = [...inside.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 4)
        .map(([key, us]) => `${key} ${Math.round(us / 1000)}`);
      return `${Math.round((task.ts - navigationStart) / 1000)}+${Math.round((task.dur ?? 0) / 1000)}: ${top.join(", ")}`;
    });
  const selfMs = Object.fromEntries(
    [...self.entries()]
      .map(([key, us]) => [key, Math.round(us / 1000)] as const)
      .filter(([, ms]) => ms >= 3)
      .sort((a, b) => b[1] - a[1]),
  );
  return { selfMs, tasks };
}

/** Sampled time (ms) per function including what it calls ("total"), the 40 largest, for finding whose work a load is. */
function selfTimeByFunction(profile: CpuProfile): Record<string, number> {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const totals = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const ms = (deltas[i + 1] ?? 0) / 1000;
    const seen = new Set<string>();
    for (let id: number | undefined = samples[i]; id !== undefined; id = parent.get(id)) {
      const node = byNode.get(id)!;
      const frame = node.callFrame as { url: string; functionName: string; lineNumber?: number; columnNumber?: number };
      if (frame.url === "") continue;
      const key = `${frame.functionName || "(anonymous)"} ${frame.url.replace(/^.*\//, "").slice(0, 20)}:${frame.lineNumber}:${frame.columnNumber}`;
      if (seen.has(key)) continue;
      seen.add(key);
      totals.set(key, (totals.get(key) ?? 0) + ms);
    }
  }
  return Object.fromEntries(
    [...totals.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 40)
      .map(([key, ms]) => [key, Math.round(ms)]),
  );
}

async function browserCpu(cdp: CDPSession): Promise<{ process: number; main: Record<string, number> }> {
  await cdp.send("Performance.enable");
  const { metrics } = await cdp.send("Performance.getMetrics");
  const value = (name: string) => (metrics.find((metric) => metric.name === name)?.value ?? 0) * 1000;
  return {
    process: value("ProcessTime"),
    main: Object.fromEntries(MAIN_THREAD_METRICS.map((name) => [name, value(name)])),
  };
}
