import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiAs, signUp } from "./support/api-as";
import { launchChromium, openPage, screenshot, signIn } from "./support/browser";
import { ownerToken, type PlatformProcess, startPlatform } from "./support/platform-process";

// The dashboard as a team uses it, end to end: the real platform process (API + dashboard + local
// worker on a fresh SQLite store), Debian's chromium, no mocks. The steps build on each other.

let platform: PlatformProcess;
let browser: Browser;
let owner: BrowserContext;
let page: Page;
let api: ReturnType<typeof apiAs>;
let tinyRunId: string;
let demoRunId: string;
/** What chromium reported blocked by the pages' Content-Security-Policy, on any page of the test. */
const cspViolations: string[] = [];

function watchForCspViolations(watched: Page): void {
  watched.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(`${watched.url()}: ${message.text()}`);
  });
}

beforeAll(async () => {
  platform = await startPlatform();
  api = apiAs(platform.url, ownerToken(platform));
  browser = await launchChromium();
  owner = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 900 } });
  page = await owner.newPage();
  watchForCspViolations(page);
  page.setDefaultTimeout(20_000);
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

/** Retrying assertions (expect.poll) give the page as long as a locator's own wait (page.setDefaultTimeout). */
const SOON = { timeout: 20_000 };

async function teamIdOfDemo(): Promise<string> {
  return (await api.project.get.query({ projectId: platform.projectId })).teamId;
}

async function waitForRunToFinish(runId: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await api.run.get.query({ runId });
    if (run.status === "succeeded") return run;
    if (run.status === "failed" || run.status === "canceled")
      throw new Error(`run ${runId} ${run.status}: ${run.errorMessage}`);
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${run.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe("the dashboard", () => {
  it("refuses a wrong password, then signs the local owner in with the first-start credentials", async () => {
    await openPage(page, `${platform.url}/`);
    await page.waitForURL(/\/sign-in$/);
    await page.getByLabel("Email").fill(platform.owner.email);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").filter({ hasText: "do not match" }).waitFor();
    await screenshot(page, "sign-in-refused");

    await signIn(page, platform.url, platform.owner.email, platform.owner.password);
    await page.getByRole("link", { name: "MNIST demo" }).waitFor();
    const demo = await api.run.list.query({ projectId: platform.projectId, limit: 10 });
    demoRunId = demo.items[0]!.id;
    await screenshot(page, "experiments");
  });

  it("creates an experiment: errors beside their fields, then queued and watched to completion", async () => {
    await page.getByRole("link", { name: "New experiment" }).click();
    await page.waitForURL(/\/experiments\/new$/);
    // Nonsense first: a word for epochs is caught in the page, a negative learning rate by the API.
    await page.getByLabel("Name").fill("tiny e2e");
    await page.getByLabel("Epochs", { exact: true }).fill("one");
    await page.getByRole("button", { name: "Create and queue" }).click();
    await page.getByText('"one" is not a number').first().waitFor();
    await page.getByLabel("Epochs", { exact: true }).fill("1");
    await page.getByLabel("Learning rate").fill("-0.1");
    await page.getByRole("button", { name: "Create and queue" }).click();
    await page.getByText("Learning rate: Too small").waitFor();
    expect(await page.getByLabel("Learning rate").getAttribute("aria-invalid")).toBe("true");
    await screenshot(page, "new-experiment-errors");

    await page.getByLabel("Learning rate").fill("0.003");
    await page.getByLabel("Tags").fill("e2e, tiny");
    await page.getByLabel("Max training samples").fill("3000");
    await page.getByLabel("Max test samples").fill("1000");
    await page.getByLabel("Hidden layers").fill("32, 16");
    await page.getByLabel("Mean thresholds").fill("0, 0.1, 0.5");
    await page.getByLabel("Std thresholds").fill("0.1, 0.5, 1, 5");
    // A device with 40 KB for the model, at most 5 points lost; one epoch of recovery fine-tuning.
    await page.getByLabel("Device budget (KB)").fill("40");
    await page.getByLabel("Max accuracy drop (points)").fill("5");
    await page.getByLabel("Recovery epochs").fill("1");
    await page.getByRole("button", { name: "Create and queue" }).click();
    await page.waitForURL(/\/runs\/[^/]+$/);
    tinyRunId = page.url().split("/").at(-1)!;

    // The page follows the run without a reload, through the real worker, until it succeeds.
    await page.locator('[data-status="succeeded"]').first().waitFor({ timeout: 120_000 });
    await page.getByTestId("sweep-table").waitFor();
    await page.getByTestId("training-curve").waitFor();
    await screenshot(page, "run");
  });

  it("shows the run's stored numbers: scatter of every neuron, the full sweep table, the trade-off chart", async () => {
    const results = await api.result.rows.query({ runId: tinyRunId });
    const stats = await api.result.layerStats.query({ runId: tinyRunId });
    expect(results.rows).toHaveLength(12);
    const okRows = results.rows.filter((row) => row.status === "ok");

    const table = page.getByTestId("sweep-table");
    await expect(table.locator("tbody tr").count()).resolves.toBe(results.rows.length);
    const first = results.rows[0]!;
    const cells = await table.locator(`tbody tr[data-row-key="${first.rowKey}"] td`).allTextContents();
    expect(cells).toContain(first.parameters.toLocaleString("en-US"));
    if (first.testAccuracy !== null) expect(cells).toContain(`${(first.testAccuracy * 100).toFixed(2)}%`);
    expect(await table.locator("tbody tr").filter({ hasText: "Pareto" }).count()).toBe(
      results.rows.filter((row) => row.pareto).length,
    );

    const chart = page.getByTestId("trade-off-chart");
    expect(await chart.getAttribute("data-points")).toBe(String(okRows.length));
    expect(await chart.getAttribute("data-frontier")).toBe(String(okRows.filter((row) => row.pareto).length));

    const scatter = page.getByTestId("neuron-scatter");
    expect(await scatter.getAttribute("data-neurons")).toBe(String(stats.layers[0]!.neurons.length));
    expect(stats.layers[0]!.neurons).toHaveLength(32);

    // Open a row: the scatter marks exactly the neurons its threshold removes from layer 1.
    const strict = results.rows.find((row) => row.status === "ok" && row.keptNeurons[0]! < 32) ?? first;
    await table.locator(`tbody tr[data-row-key="${strict.rowKey}"]`).click();
    await page.getByTestId("row-details").waitFor();
    await expect.poll(() => scatter.getAttribute("data-pruned"), SOON).toBe(String(32 - strict.keptNeurons[0]!));
    await screenshot(page, "run-row-open");
    await page.keyboard.press("Escape");
  });

  it("answers the device budget with verified bundles, a model card, the budget line, and detects a tampered bundle", async () => {
    const run = await api.run.get.query({ runId: tinyRunId });
    const deployment = run.deployment!;
    expect(deployment).toMatchObject({ basis: "budget", budget: { maxBytes: 40 * 1024, maxAccuracyDropPoints: 5 } });
    const panel = page.getByTestId("deployment-panel");
    expect(await panel.getAttribute("data-fits")).toBe(String(deployment.answer!.fits));
    await page.getByTestId("budget-answer").getByText(deployment.answer!.explanation).waitFor();
    expect(await page.getByTestId("trade-off-chart").getAttribute("data-budget")).toBe(String(40 * 1024));

    // Every dtype of the chosen candidate: real bytes, verified in a fresh process with the stored count.
    const { rows } = await api.result.rows.query({ runId: tinyRunId });
    const chosen = rows.find((row) => row.rowKey === deployment.chosen!.rowKey)!;
    const exported = chosen.bundles.filter((bundle) => bundle.exported !== null);
    expect(exported.map((bundle) => bundle.dtype).sort()).toEqual(["float16", "float32", "uint8"]);
    for (const bundle of exported) {
      expect(bundle.exported!.verification.correct).toBe(bundle.testCorrect);
      const cells = await page.getByTestId("bundle-table").locator(`tr[data-dtype="${bundle.dtype}"]`).textContent();
      expect(cells).toContain(`${bundle.bytes.toLocaleString("en-US")} B`);
      expect(cells).toContain("✓");
    }
    const uint8 = exported.find((bundle) => bundle.dtype === "uint8")!;
    if (deployment.answer!.fits)
      expect((deployment.answer as unknown as { best: { bytes: number } }).best.bytes).toBeLessThanOrEqual(40 * 1024);
    expect(uint8.bytes).toBeLessThan(exported.find((bundle) => bundle.dtype === "float32")!.bytes / 3);
    // Recovery is shown beside the one-shot numbers.
    await page.getByTestId("recovery-table").waitFor();
    expect(chosen.recovery?.epochs).toBe(1);

    // The model card: in the page and as a downloadable file naming the sha256 of every bundle file.
    await page.getByTestId("model-card").getByText("Model card").click();
    const card = deployment.modelCard as { candidateId: string; bundles: { files: { sha256: string }[] }[] };
    expect(card.candidateId).toBe(`${chosen.rowKey}/${deployment.chosen!.weights}`);
    await screenshot(page, "run-deployment");

    // The uint8 weights as a user downloads them: the bytes hash to what the card and the row recorded.
    const weightsFile = uint8.exported!.files.find((file) => file.name.endsWith("weights.bin"))!;
    const link = page
      .getByTestId("bundle-table")
      .locator('tr[data-dtype="uint8"]')
      .getByRole("link", { name: "weights.bin" });
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    const bytes = readFileSync((await download.path())!);
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(weightsFile.sha256);
    expect(card.bundles.flatMap((bundle) => bundle.files.map((file) => file.sha256))).toContain(weightsFile.sha256);

    // Weights changed on disk after export: the download is refused, naming the hash they now have.
    const stored = join(platform.dataDir, "artifacts", weightsFile.sha256.slice(0, 2), weightsFile.sha256);
    const tampered = Uint8Array.from(readFileSync(stored));
    tampered[0] = (tampered[0] ?? 0) ^ 0xff;
    writeFileSync(stored, tampered);
    const href = await link.getAttribute("href");
    const refused = await fetch(`${platform.url}${href}`, {
      headers: { authorization: `Bearer ${ownerToken(platform)}` },
    });
    expect(refused.status).toBe(500);
    expect(await refused.text()).toContain(`now hash to ${createHash("sha256").update(tampered).digest("hex")}`);
  });

  it("compares two runs from different experiments, with a pinned baseline and only the differing fields", async () => {
    await waitForRunToFinish(demoRunId, 60_000);
    await openPage(page, `${platform.url}/projects/${platform.projectId}/runs`);
    await page.getByLabel(`Select run ${demoRunId}`).check();
    await page.getByLabel(`Select run ${tinyRunId}`).check();
    await page.getByRole("button", { name: "Compare 2 runs" }).click();
    await page.waitForURL(/\/compare\?runs=/);
    const overlay = page.getByTestId("overlay-chart");
    await overlay.waitFor();
    await expect.poll(() => overlay.getAttribute("data-series"), SOON).toBe("2");

    const diff = page.getByTestId("config-diff");
    expect(await diff.locator('tr[data-field="model.hidden"]').getAttribute("data-differs")).toBe("true");
    expect(await diff.locator('tr[data-differs="false"]').count()).toBe(0);
    await page.getByText("Hide identical fields").click();
    await diff.locator('tr[data-differs="false"]').first().waitFor({ state: "attached" });

    await page.getByLabel("Pinned baseline").selectOption(demoRunId);
    await expect.poll(() => page.url(), SOON).toContain(`baseline=${demoRunId}`);
    await expect.poll(() => page.getByTestId("budget-table").locator("tbody tr").count(), SOON).toBe(2);
    await screenshot(page, "compare");
  });

  it("promotes a row under an alias, shows it with its history, and serves its model with the stored sha256", async () => {
    const results = await api.result.rows.query({ runId: tinyRunId });
    const models = await api.artifact.list.query({ runId: tinyRunId, limit: 100 });
    const exported = results.rows.find((row) => models.items.some((file) => file.resultRowId === row.id));
    expect(exported).toBeDefined();

    await openPage(page, `${platform.url}/projects/${platform.projectId}/runs/${tinyRunId}`);
    await page.getByTestId("sweep-table").locator(`tbody tr[data-row-key="${exported!.rowKey}"]`).click();
    const details = page.getByTestId("row-details");
    await details.getByLabel("Alias").fill("edge-e2e");
    await details.getByLabel("Why this one").fill("smallest Pareto row with a stored model; e2e test");
    await details.getByRole("button", { name: "Promote" }).click();
    await details.getByText("Promoted as “edge-e2e”").waitFor();

    await openPage(page, `${platform.url}/projects/${platform.projectId}/candidates`);
    await page.getByTestId("candidate-table").locator('tr[data-alias="edge-e2e"]').waitFor();
    const history = page.getByTestId("candidate-history").locator('tr[data-alias="edge-e2e"]');
    expect(await history.getAttribute("data-action")).toBe("promoted");
    expect(await history.textContent()).toContain("smallest Pareto row with a stored model");
    await screenshot(page, "candidates");

    const weights = page
      .getByTestId("candidate-table")
      .getByRole("link", { name: /weights/ })
      .first();
    const expectedSha = await weights.getAttribute("data-sha256");
    const [download] = await Promise.all([page.waitForEvent("download"), weights.click()]);
    const bytes = readFileSync((await download.path())!);
    const stored = models.items.find((file) => file.sha256 === expectedSha);
    expect(stored).toBeDefined();
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(stored!.sha256);
    expect(bytes.length).toBe(stored!.sizeBytes);

    // "40 KB, at most 5 points lost" across the project: the demos are on two datasets, so it asks which.
    const finder = page.getByRole("form", { name: "Fit a device budget" });
    await finder.getByLabel("Budget (KB on disk)").fill("40");
    await finder.getByLabel("Max accuracy drop (points)").fill("5");
    await finder.getByRole("button", { name: "Fit" }).click();
    await finder.getByText(/come from 2 datasets/).waitFor();
    await finder.getByLabel("Dataset").fill("mnist");
    await finder.getByRole("button", { name: "Fit" }).click();
    const fit = page.getByTestId("budget-fit");
    await fit.waitFor();
    const expected = await api.candidate.fitBudget.query({
      projectId: platform.projectId,
      maxBytes: 40 * 1024,
      maxAccuracyDropPoints: 5,
      dataset: "mnist",
    });
    expect(await fit.getAttribute("data-fits")).toBe(String(expected.answer?.fits));
    await fit.getByText(expected.explanation).waitFor();
    await screenshot(page, "candidates-budget-fit");
  });

  it("shows a viewer no promote or create button, and the API refuses the viewer's promotion anyway", async () => {
    const viewer = { email: "viewer@e2e.test", password: "viewer-password-123", name: "Vera Viewer" };
    await signUp(platform.url, viewer);
    const [team] = await api.team.listMine.query();
    await api.team.members.add.mutate({ teamId: team!.id, email: viewer.email, role: "viewer" });

    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    try {
      const viewerPage = await context.newPage();
      watchForCspViolations(viewerPage);
      await signIn(viewerPage, platform.url, viewer.email, viewer.password);
      await viewerPage.getByRole("link", { name: "tiny e2e" }).waitFor();
      expect(await viewerPage.getByRole("link", { name: "New experiment" }).count()).toBe(0);

      await openPage(viewerPage, `${platform.url}/projects/${platform.projectId}/runs/${tinyRunId}`);
      await viewerPage.getByTestId("sweep-table").locator("tbody tr").first().click();
      await viewerPage.getByTestId("row-details").waitFor();
      expect(await viewerPage.getByRole("button", { name: "Promote" }).count()).toBe(0);
      await screenshot(viewerPage, "viewer-run");

      const rowId = await viewerPage.getByTestId("row-details").getAttribute("data-row-id");
      const refused = await viewerPage.evaluate(
        async ({ projectId, resultRowId }) => {
          const response = await fetch("/api/trpc/candidate.promote", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ projectId, resultRowId, alias: "sneaky", note: "a viewer tries" }),
          });
          return { status: response.status, body: await response.text() };
        },
        { projectId: platform.projectId, resultRowId: rowId },
      );
      expect(refused.status).toBe(403);
      expect(refused.body).toContain("FORBIDDEN");
      const candidates = await api.candidate.list.query({ projectId: platform.projectId });
      expect(candidates.map((candidate) => candidate.alias)).toEqual(["edge-e2e"]);
    } finally {
      await context.close();
    }
  });

  it("lets an admin see members with their roles, create an API token shown once that works, and revoke it", async () => {
    await openPage(page, `${platform.url}/projects/${platform.projectId}/team`);
    const members = page.getByTestId("member-table");
    await members.locator('tr[data-email="viewer@e2e.test"]').waitFor();
    expect(await page.getByLabel("Role of viewer@e2e.test").inputValue()).toBe("viewer");

    await page.getByLabel("Token name").fill("ci laptop");
    await page.getByRole("button", { name: "Create token" }).click();
    const secret = (await page.getByTestId("new-token").textContent())?.trim() ?? "";
    expect(secret).toMatch(/^dw_/);
    await screenshot(page, "team-token-created");
    const asToken = apiAs(platform.url, secret);
    expect((await asToken.team.me.query()).email).toBe(platform.owner.email);
    await page.keyboard.press("Escape");

    const row = page.getByTestId("token-table").locator('tr[data-token-name="ci laptop"]');
    await row.getByRole("button", { name: "Revoke" }).click();
    await row.getByText(/revoked/).waitFor();
    await expect(asToken.team.me.query()).rejects.toThrow();
    // Shown once: the page never shows the secret again, only its first characters.
    await page.reload();
    expect(await page.content()).not.toContain(secret);
    await screenshot(page, "team");
  });

  it("lets an admin invite an email to sign up, listed with its expiry", async () => {
    await openPage(page, `${platform.url}/projects/${platform.projectId}/team`);
    await page.getByLabel("Email to invite").fill("Invited@E2E.test");
    await page.getByRole("button", { name: "Invite" }).click();
    await page.getByTestId("invitation-table").locator('tr[data-email="invited@e2e.test"]').waitFor();
    expect((await api.team.invitations.list.query({ teamId: await teamIdOfDemo() })).map((i) => i.email)).toContain(
      "invited@e2e.test",
    );
  });

  it("lists the team's uploaded datasets (the Iris demo's CSV) and offers them in the New-experiment form", async () => {
    await openPage(page, `${platform.url}/projects/${platform.projectId}/datasets`);
    const table = page.getByRole("table", { name: "Datasets" });
    await table.getByText("iris.csv").waitFor();
    const reference =
      (await table
        .getByText(/^dataset:/)
        .first()
        .textContent()) ?? "";
    expect(reference).toMatch(/^dataset:\S+$/);
    await screenshot(page, "datasets");

    await openPage(page, `${platform.url}/projects/${platform.projectId}/experiments/new`);
    await page.getByLabel("The team's datasets").selectOption({ label: "iris (csv)" });
    await expect.poll(() => page.getByLabel("Dataset", { exact: true }).inputValue(), SOON).toBe(reference);
  });

  it("served every page under its Content-Security-Policy, and chromium blocked nothing the pages use", async () => {
    const response = await openPage(page, `${platform.url}/projects/${platform.projectId}/team`);
    const headers = response?.headers() ?? {};
    expect(headers["content-security-policy"]).toContain("default-src 'self'");
    expect(headers["x-frame-options"]).toBe("DENY");
    expect(cspViolations).toEqual([]);
  });
});
