import type { Browser, BrowserContext, CDPSession, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiAs } from "./support/api-as";
import { launchChromium, openPage, screenshot, signIn } from "./support/browser";
import { ownerToken, type PlatformProcess, startPlatform, workerToken } from "./support/platform-process";

// Live pages are pushed, not polled: the real platform process (API + dashboard on a fresh SQLite
// store, no local worker), a worker played over the API with the platform's worker token so every
// change happens when the test makes it, and Debian's chromium. What the page asks the server is
// read from chromium's own network log (CDP), server-sent event messages included.

let platform: PlatformProcess;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let owner: ReturnType<typeof apiAs>;
let worker: ReturnType<typeof apiAs>;

beforeAll(async () => {
  platform = await startPlatform({ worker: false });
  owner = apiAs(platform.url, ownerToken(platform));
  worker = apiAs(platform.url, workerToken(platform));
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(20_000);
  await signIn(page, platform.url, platform.owner.email, platform.owner.password);
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

/** One entry of chromium's network log, in the order chromium reported them. */
type NetworkEntry =
  | { readonly kind: "request"; readonly requestId: string; readonly method: string; readonly url: string }
  | { readonly kind: "event"; readonly requestId: string; readonly eventName: string; readonly data: string };

/** Records every request a page sends and every server-sent event it receives, from now on. */
async function recordNetwork(watched: Page): Promise<{ entries: NetworkEntry[]; cdp: CDPSession }> {
  const entries: NetworkEntry[] = [];
  const cdp = await watched.context().newCDPSession(watched);
  cdp.on("Network.requestWillBeSent", ({ requestId, request }) =>
    entries.push({ kind: "request", requestId, method: request.method, url: request.url }),
  );
  cdp.on("Network.eventSourceMessageReceived", ({ requestId, eventName, data }) =>
    entries.push({ kind: "event", requestId, eventName, data }),
  );
  await cdp.send("Network.enable");
  return { entries, cdp };
}

/** The tRPC procedures a request to /api/trpc calls (a batch names several, comma-separated); [] for anything else. */
function proceduresOf(url: string): string[] {
  const { pathname } = new URL(url);
  if (!pathname.startsWith("/api/trpc/")) return [];
  return decodeURIComponent(pathname.slice("/api/trpc/".length)).split(",");
}

/** Waits, with a deadline, until the log has an entry at or after `from` that satisfies `found`; returns its index. */
async function entryIndex(
  entries: readonly NetworkEntry[],
  from: number,
  found: (entry: NetworkEntry) => boolean,
  what: string,
  deadlineMs = 30_000,
): Promise<number> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const index = entries.findIndex((entry, at) => at >= from && found(entry));
    if (index >= 0) return index;
    if (Date.now() > deadline) throw new Error(`no ${what} in the page's network log after ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Claims the team's oldest queued run as a worker would, with a lease long enough to outlive a restart. */
async function claimNextRun(): Promise<{ runId: string; attempt: number }> {
  const claimed = await worker.worker.claim.mutate({ workerName: "e2e-worker", leaseSeconds: 600 });
  if (claimed === null) throw new Error("no queued run to claim: the platform's demo runs should be queued");
  return { runId: claimed.run.id, attempt: claimed.run.attempt };
}

const liveState = (watched: Page) => watched.getByTestId("live-connection");

/** The live streams' requests (run.watch, project.watch), whatever their input. */
const isLiveStream = (url: URL) => url.pathname.startsWith("/api/trpc/") && url.pathname.endsWith(".watch");

describe("live pages", () => {
  it("follow a run's epochs, stages and finish through run.watch, without a single polling request", async () => {
    const { runId, attempt } = await claimNextRun();
    const { entries } = await recordNetwork(page);
    await openPage(page, `${platform.url}/projects/${platform.projectId}/runs/${runId}`);
    await page.locator('[data-status="running"]').first().waitFor();
    await liveState(page).and(page.locator('[data-state="live"]')).waitFor({ state: "attached" });
    const watchRequest = entries[
      await entryIndex(entries, 0, (e) => e.kind === "request" && e.url.includes("/api/trpc/run.watch"), "run.watch")
    ] as NetworkEntry;
    const fromWatch = (entry: NetworkEntry) => entry.kind === "event" && entry.requestId === watchRequest.requestId;
    const loaded = entries.length;

    const calls = (from: number, to: number) =>
      entries
        .slice(from, to)
        .flatMap((entry) => (entry.kind === "request" ? proceduresOf(entry.url) : []))
        .filter((procedure) => !procedure.endsWith(".watch"));
    const watchEvent = (from: number, found: (entry: NetworkEntry & { kind: "event" }) => boolean, what: string) =>
      entryIndex(entries, from, (entry) => fromWatch(entry) && entry.kind === "event" && found(entry), what);

    // Progress reports: shown as they come, each a message of the run.watch stream (the whole run).
    await worker.worker.heartbeat.mutate({ runId, attempt, progress: { stage: "train", epoch: 1, epochs: 3 } });
    await page.getByTestId("live-progress").getByText("epoch 1/3").waitFor();
    await worker.worker.heartbeat.mutate({ runId, attempt, progress: { stage: "train", epoch: 2, epochs: 3 } });
    await page.getByTestId("live-progress").getByText("epoch 2/3").waitFor();
    await watchEvent(loaded, (entry) => entry.data.includes('"epoch":1'), "run.watch message with epoch 1");
    const epoch2At = await watchEvent(
      loaded,
      (entry) => entry.data.includes('"epoch":2'),
      "run.watch message with epoch 2",
    );
    // The server pings a quiet stream after 10 s without an update: the first ping after epoch 2 marks
    // 10 s of a running run in which nothing changed, measured by the server, not by us. The old page
    // asked for the run every second and its results every 3 s while the run was live; this one asks
    // for nothing, since the pushed run is the page's run and progress changes nothing else.
    const quietRunningAt = await watchEvent(epoch2At, (entry) => entry.eventName === "ping", "ping while running");
    expect(calls(loaded, quietRunningAt)).toEqual([]);
    expect(await page.locator('[data-status="running"]').count()).toBeGreaterThan(0);

    // A stage done, then the finish: the status badge follows.
    await worker.worker.completeStage.mutate({ runId, attempt, stage: "load", seconds: 0.5 });
    await worker.worker.finish.mutate({ runId, attempt, outcome: "succeeded" });
    await page.locator('[data-status="succeeded"]').first().waitFor();
    await screenshot(page, "live-run-succeeded");
    const succeededAt = await watchEvent(
      quietRunningAt,
      (entry) => entry.eventName === "message" && entry.data.includes('"status":"succeeded"'),
      "run.watch message with the succeeded run",
    );
    const quietFinishedAt = await watchEvent(
      succeededAt,
      (entry) => entry.eventName === "ping",
      "ping after the finish",
    );
    // The run is never fetched again; the results, statistics and artifacts once per change that concerns
    // them (the stage done: statistics and artifacts; the finish: all three), then nothing for 10 s.
    const all = calls(loaded, quietFinishedAt);
    expect(all.filter((procedure) => procedure === "run.get" || procedure === "run.list")).toEqual([]);
    for (const procedure of new Set(all)) {
      expect(["result.rows", "result.layerStats", "artifact.list"]).toContain(procedure);
      expect(all.filter((called) => called === procedure).length).toBeLessThanOrEqual(2);
    }
    const afterFinish = calls(succeededAt, quietFinishedAt);
    expect(afterFinish.length).toBe(new Set(afterFinish).size);
  });

  it("tell a viewer who lost the server, then catch up with what changed while it was away", async () => {
    const runsPage = await context.newPage();
    runsPage.setDefaultTimeout(20_000);
    const queued = (await owner.run.list.query({ projectId: platform.projectId, status: "queued", limit: 10 })).items;
    const waiting = queued.at(-1);
    if (waiting === undefined) throw new Error("the platform's second demo run should still be queued");
    await openPage(page, `${platform.url}/projects/${platform.projectId}/runs/${waiting.id}`);
    await openPage(runsPage, `${platform.url}/projects/${platform.projectId}/runs`);
    for (const watched of [page, runsPage]) {
      await liveState(watched).and(watched.locator('[data-state="live"]')).waitFor({ state: "attached" });
    }
    await page.locator('[data-status="queued"]').first().waitFor();

    // The pages cannot reach the streams until the test says so: what changes meanwhile happens unheard.
    await context.route(isLiveStream, (route) => route.abort());
    await platform.restart(async () => {
      for (const watched of [page, runsPage]) {
        await watched.getByText("Live updates paused: reconnecting…").waitFor();
      }
      await screenshot(page, "live-run-paused");
    });
    // The server is back: a worker claims the waiting run and reports an epoch, and someone queues another run.
    const claimed = await claimNextRun();
    expect(claimed.runId).toBe(waiting.id);
    await worker.worker.heartbeat.mutate({
      runId: claimed.runId,
      attempt: claimed.attempt,
      progress: { stage: "train", epoch: 1, epochs: 4 },
    });
    const newRunId = (await owner.run.queue.mutate({ experimentId: waiting.experimentId })).id;
    // Unheard so far: both pages still say they are paused, with what they had.
    expect(await page.locator('[data-status="queued"]').count()).toBeGreaterThan(0);
    expect(await runsPage.getByLabel(`Select run ${newRunId}`).count()).toBe(0);
    for (const watched of [page, runsPage]) {
      expect(await watched.getByText("Live updates paused: reconnecting…").isVisible()).toBe(true);
    }

    await context.unroute(isLiveStream);
    // Back: the notice goes, and the first update after reconnecting brings each page up to date.
    await page.getByTestId("live-progress").getByText("epoch 1/4").waitFor();
    await page.locator('[data-status="running"]').first().waitFor();
    await runsPage.getByLabel(`Select run ${newRunId}`).waitFor();
    for (const watched of [page, runsPage]) {
      await liveState(watched).and(watched.locator('[data-state="live"]')).waitFor({ state: "attached" });
      expect(await watched.getByText("Live updates paused").count()).toBe(0);
    }
    await screenshot(page, "live-run-caught-up");
    await runsPage.close();
  });
});
