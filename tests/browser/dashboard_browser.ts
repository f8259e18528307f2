/**
 * The dashboard in a real browser: a real `tm serve` on a temporary project, Debian's chromium
 * driven by playwright-core. A task added by a separate CLI process appears live; it is claimed,
 * shared on and completed from the page; the graph marks the critical path. Screenshots go to
 * artifacts/ (git-ignored) for a person, or CI, to look at.
 *
 * Needs `-A` (playwright-core probes /proc/sys), so it is its own task: `deno task test:browser`.
 * Without /usr/bin/chromium it is skipped with a visible line.
 *
 * @module
 */

import assert from "node:assert/strict";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { addTask, spawnTm, tempDir, tempProject, tmJson } from "../_cli.ts";

const CHROMIUM = Deno.env.get("TM_CHROMIUM") ?? "/usr/bin/chromium";
const ARTIFACTS = new URL("../../artifacts/", import.meta.url).pathname;
const hasChromium = await Deno.stat(CHROMIUM).then(() => true, () => false);
// deno-lint-ignore no-console -- a skipped tier must say so where CI shows it
if (!hasChromium) console.log(`skipped: browser tests (no ${CHROMIUM})`);

/** A `tm serve` on a free port and the URL it printed; `await using` stops it (SIGTERM). */
async function serve(cwd: string): Promise<{ url: string } & AsyncDisposable> {
  const server = spawnTm(["serve", "--port", "0", "--json"], {
    cwd,
    env: { TM_AGENT_ID: "dash" },
  });
  const line = await server.nextLine();
  if (line === null) throw new Error(`tm serve did not start: ${(await server.finish()).stderr}`);
  return {
    url: JSON.parse(line).url,
    async [Symbol.asyncDispose]() {
      server.kill("SIGTERM");
      await server.finish();
    },
  };
}

/**
 * Chromium with a fresh profile (its own --user-data-dir) and nothing running in the
 * background; `await using` closes it.
 */
async function launch(
  userDataDir: string,
  colorScheme: "light" | "dark",
): Promise<{ context: BrowserContext } & AsyncDisposable> {
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    colorScheme,
    viewport: { width: 1280, height: 860 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return { context, [Symbol.asyncDispose]: () => context.close() };
}

/** A page that fails the test on any script error or failed request. */
async function openDashboard(context: BrowserContext, url: string): Promise<Page> {
  const page = context.pages()[0] ?? await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  (page as Page & { problems?: string[] }).problems = problems;
  await page.goto(url);
  await waitForText(page, "#live", "live");
  await page.waitForSelector(".card");
  return page;
}

/** Wait until the element at `selector` has text that `mode` matches against `text`. */
async function waitForText(
  page: Page,
  selector: string,
  text: string,
  mode: "is" | "includes" = "is",
): Promise<void> {
  await page.waitForFunction(([sel, want, how]) => {
    // Runs in the page, where `document` exists; the test's own types have no DOM.
    const doc = (globalThis as unknown as {
      document: { querySelector(s: string): { textContent: string | null } | null };
    }).document;
    const got = doc.querySelector(sel)?.textContent ?? "";
    return how === "is" ? got === want : got.includes(want);
  }, [selector, text, mode] as const);
}

function problemsOf(page: Page): string[] {
  return (page as Page & { problems?: string[] }).problems ?? [];
}

const card = (id: string, status: string) =>
  `.column[data-status="${status}"] .card[data-id="${id}"]`;

/** A browser test: skipped without chromium; gets a fresh project and chromium profile. */
function browserTest(
  name: string,
  fn: (env: { cwd: string; profile: string }) => Promise<void>,
): void {
  Deno.test({
    name,
    ignore: !hasChromium,
    // playwright-core keeps its pipe to chromium and its timers open between steps.
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      await Deno.mkdir(ARTIFACTS, { recursive: true });
      await using project = await tempProject();
      await using profile = await tempDir("tm-chromium-");
      await fn({ cwd: project.dir, profile: profile.dir });
    },
  });
}

browserTest(
  "the dashboard shows a CLI-added task live, then claims, shares and completes it",
  async ({ cwd, profile }) => {
    // A chain a -> b -> c on the critical path (estimates 2 + 3 + 1 h), and one loose task.
    const a = await addTask(cwd, "Design the schema", ["-p", "high", "--estimated-hours", "2"]);
    const b = await addTask(cwd, "Build the API", ["--depends-on", a, "--estimated-hours", "3"]);
    const c = await addTask(cwd, "Ship it", ["--depends-on", b, "--estimated-hours", "1"]);
    const hostile = await addTask(cwd, `<img src=x onerror="window.__xss=1"> & "quotes"`, [
      "-p",
      "low",
    ]);
    await using server = await serve(cwd);
    await using browser = await launch(profile, "light");
    const { context } = browser;
    const url = server.url;
    const page = await openDashboard(context, url);
    assert.equal(await page.locator(".card").count(), 4);
    // User text is shown as text, never run as markup.
    assert.equal(await page.evaluate(() => "__xss" in window), false);
    assert.equal(
      await page.locator(`.card[data-id="${hostile}"] .title`).textContent(),
      `<img src=x onerror="window.__xss=1"> & "quotes"`,
    );

    // The graph: open tasks as nodes, the chain a -> b -> c marked as the critical path.
    assert.equal(await page.locator("#graph .node").count(), 4);
    const critical = await page.locator("#graph .node.critical").evaluateAll((els) =>
      els.map((el) => el.getAttribute("data-id"))
    );
    assert.deepEqual(new Set(critical), new Set([a, b, c]));
    const criticalEdges = await page.locator("#graph .edge.critical").evaluateAll((els) =>
      els.map((el) => `${el.getAttribute("data-from")}>${el.getAttribute("data-to")}`)
    );
    assert.deepEqual(new Set(criticalEdges), new Set([`${a}>${b}`, `${b}>${c}`]));
    assert.match(await page.locator("#path-summary").textContent() ?? "", /3 tasks, 6 h/);
    await page.screenshot({ path: `${ARTIFACTS}dashboard.png`, fullPage: true });
    // A graph node is a keyboard target too: Enter opens its task, Escape closes it again.
    await page.focus(`#graph .node[data-id="${b}"]`);
    await page.keyboard.press("Enter");
    await waitForText(page, "dialog[open] #detail-title", "Build the API");
    await page.keyboard.press("Escape");
    await page.waitForSelector("dialog[open]", { state: "detached" });
    const back = await page.evaluate(() =>
      (globalThis as unknown as {
        document: { activeElement: { getAttribute(n: string): string } };
      })
        .document.activeElement.getAttribute("data-focus")
    );
    assert.equal(back, `node:${b}`, "focus returns to the graph node that opened the dialog");

    // A separate CLI process adds a task: it appears on the open page without a reload.
    const started = performance.now();
    const live = await addTask(cwd, "Added from the CLI", ["-p", "critical"], {
      TM_AGENT_ID: "cli-agent",
    });
    await page.waitForSelector(card(live, "pending"), { timeout: 10_000 });
    const latencyMs = Math.round(performance.now() - started);
    // deno-lint-ignore no-console -- the live latency docs/dashboard.md records
    console.log(`  CLI add -> card on the page: ${latencyMs} ms (including the tm process)`);
    await page.waitForSelector(`#feed [data-event] button[data-id="${live}"]`);
    await page.screenshot({ path: `${ARTIFACTS}dashboard-live.png`, fullPage: true });

    // Keyboard: the card is focusable and Enter opens its detail.
    await page.focus(`.card[data-id="${live}"]`);
    await page.keyboard.press("Enter");
    await page.waitForSelector("dialog[open] #detail-title");
    assert.equal(await page.locator("#detail-title").textContent(), "Added from the CLI");

    // Claim from the page: the server acts as its agent ("dash"); the CLI agrees.
    await page.click('dialog[open] button[data-action="claim"]');
    await page.waitForSelector(card(live, "in_progress"));
    await page.waitForSelector('dialog[open] button[data-action="release"]');
    const claimed = await tmJson(["show", live], { cwd });
    assert.deepEqual(
      [
        (claimed.task as Record<string, unknown>).status,
        (claimed.task as Record<string, unknown>).claimed_by,
      ],
      ["in_progress", "dash"],
    );
    await page.waitForSelector('#agents [data-agent="dash"] .lease');

    // Share from the page; the shared context shows it and the CLI reads it back.
    await page.fill("#share-msg", "schema lives in <src/store>");
    await page.click('dialog[open] form[data-action="share"] button[type="submit"]');
    await waitForText(page, "#detail-body", "schema lives in <src/store>", "includes");
    const context1 = await tmJson(["context", live], { cwd });
    assert.ok(
      (context1.entries as Array<{ text: string }>).some((e) =>
        e.text === "schema lives in <src/store>"
      ),
    );
    await page.screenshot({ path: `${ARTIFACTS}detail.png` });

    // Complete from the page with a summary.
    await page.fill('dialog[open] input[name="summary"]', "done from the dashboard");
    await page.click('dialog[open] form[data-action="complete"] button[type="submit"]');
    await page.waitForSelector(card(live, "completed"));
    const done = await tmJson(["show", live], { cwd });
    assert.equal((done.task as Record<string, unknown>).status, "completed");
    await page.keyboard.press("Escape");
    await page.waitForSelector("dialog[open]", { state: "detached" });
    // The throughput chart counts it.
    assert.match(
      await page.locator("#charts figcaption").first().textContent() ?? "",
      /1 completed/,
    );
    await page.screenshot({ path: `${ARTIFACTS}dashboard-after.png`, fullPage: true });
    assert.deepEqual(problemsOf(page), []);
  },
);

browserTest(
  "the dashboard in dark mode with a token asks the server as the token's agent",
  async ({ cwd, profile }) => {
    await addTask(cwd, "Write the docs");
    const created = await tmJson(["token", "create", "reviewer", "--scope", "write"], { cwd });
    const token = String(created.secret);
    await using server = await serve(cwd);
    await using browser = await launch(profile, "dark");
    const { context } = browser;
    const url = server.url;
    const page = await openDashboard(context, `${url}?token=${encodeURIComponent(token)}`);
    // The token left the address bar for sessionStorage, and the page acts as its agent.
    assert.equal(new URL(page.url()).search, "");
    await waitForText(page, "#whoami", "acting as reviewer");
    // Live over the fetch-based stream (EventSource cannot send the header).
    const id = await addTask(cwd, "Seen through the token's stream");
    await page.waitForSelector(card(id, "pending"), { timeout: 10_000 });

    // Search: every word must match; "/" jumps to the search field from anywhere.
    await page.keyboard.press("/");
    await page.keyboard.type("token stream");
    assert.deepEqual(
      await page.locator(".card").evaluateAll((els) => els.map((el) => el.getAttribute("data-id"))),
      [id],
    );
    await page.fill("#f-query", "");
    assert.equal(await page.locator(".card").count(), 2);
    // A read-scoped token cannot claim: the page says why, in words.
    const reader = await tmJson(["token", "create", "watcher", "--scope", "read"], { cwd });
    await page.click("details.settings summary");
    await page.fill("#s-token", String(reader.secret));
    await page.click('#settings button[type="submit"]');
    await waitForText(page, "#whoami", "acting as watcher");
    await page.click(`.card[data-id="${id}"]`);
    await page.click('dialog[open] button[data-action="claim"]');
    await waitForText(page, "#action-status", "Claim failed: ", "includes");
    assert.match(await page.locator("#action-status").textContent() ?? "", /scope/);
    await page.screenshot({ path: `${ARTIFACTS}refused.png` });
    await page.screenshot({ path: `${ARTIFACTS}dashboard-dark.png`, fullPage: true });
    // The refused claim is the one failed request the browser may log.
    assert.deepEqual(problemsOf(page).filter((p) => !p.includes("status of 403")), []);
  },
);
