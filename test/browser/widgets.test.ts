/**
 * The widget round trip in a real browser: Debian's Jupyter server starts a lowrank-lab
 * kernel; a page renders the kernel's widgets with the official @jupyter-widgets/html-manager,
 * connected through @jupyterlab/services; headless Chromium moves a slider, and the interact's
 * output changes. Then a second page joins the same kernel as a reloaded page would
 * (`request_states` on the control comm), and finally the tour notebook's interact cell runs
 * for the README's screenshot. Needs the compiled kernel (dist/, built by `npm test`).
 *
 * The screenshot goes to a temporary folder, so a test run leaves the working tree as it was;
 * LOWRANK_UPDATE_SCREENSHOTS=1 writes it over docs/images/interact.png instead.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, type Browser } from "./chromium.js";
import { startJupyterServer, type JupyterServer } from "./jupyterServer.js";
import { bundlePage } from "./page/bundle.js";
import { servePage, type PageServer } from "./page/serve.js";

const root = join(import.meta.dirname, "..", "..");
const screenshotDir = process.env.LOWRANK_UPDATE_SCREENSHOTS === "1" ? join(root, "docs", "images") : join(tmpdir(), "lowrank-lab-screenshots");

interface CellResult {
  widgets: string[];
  texts: string[];
  errors: string[];
}

async function openPage(browser: Browser, pageServer: PageServer): Promise<Page> {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  const consoleErrors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  // Console errors only explain a failure: @jupyterlab/services first offers the v1 kernel
  // websocket subprotocol, which Notebook 6 does not speak, logs the refusal, and reconnects.
  page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
  await page.goto(pageServer.url);
  if (!(await page.evaluate(() => "lowrank" in window))) throw new Error(`the test page did not load:\n${[...errors, ...consoleErrors].join("\n")}`);
  (page as Page & { errors: string[] }).errors = errors;
  return page;
}

const run = (page: Page, code: string) => page.evaluate((c) => (window as any).lowrank.run(c) as Promise<CellResult>, code);

/** The code of the tour notebook's cell tagged "interact". */
function tourInteractCell(): string {
  const nb = JSON.parse(readFileSync(join(root, "notebooks", "tour.ipynb"), "utf8"));
  const cell = nb.cells.find((c: { metadata?: { tags?: string[] } }) => c.metadata?.tags?.includes("interact"));
  if (!cell) throw new Error("notebooks/tour.ipynb has no cell tagged 'interact'");
  return Array.isArray(cell.source) ? cell.source.join("") : cell.source;
}

describe("widgets in headless Chromium through a Jupyter server", () => {
  let server: JupyterServer;
  let browser: Browser;
  let pageServer: PageServer;
  let page: Page;
  let kernelId: string;
  let interactId: string;
  const bundleDir = mkdtempSync(join(tmpdir(), "lowrank-page-"));

  beforeAll(async () => {
    for (const built of ["dist/kernel-ext/src/main.js", "dist/src/index.js"]) {
      if (!existsSync(join(root, built))) throw new Error(`${built} is missing: run \`npm run build\` (npm test does) before this test`);
    }
    pageServer = await servePage(bundlePage(root, bundleDir));
    [server, browser] = await Promise.all([startJupyterServer({ allowOrigin: pageServer.origin }), launchChromium()]);
    page = await openPage(browser, pageServer);
    kernelId = await page.evaluate(([url, token]) => (window as any).lowrank.connect(url, token) as Promise<string>, [server.url, server.token]);
  });

  afterAll(async () => {
    await page?.evaluate(() => (window as any).lowrank.shutdown()).catch(() => {});
    await browser?.close();
    await server?.stop();
    await pageServer?.close();
    rmSync(bundleDir, { recursive: true, force: true });
  });

  it("renders a slider and an interact, and re-runs the function when the slider moves", async () => {
    const cell = await run(
      page,
      `const k = lab.slider({ min: 1, max: 8, value: 2, description: "k" });
const w = lab.interact(({ k }) => "rank " + k + ": " + "#".repeat(k), { k }, { debounceMs: 50 });
await w.settled();
w`,
    );
    expect(cell.errors).toEqual([]);
    expect(cell.widgets).toHaveLength(1);
    interactId = cell.widgets[0];
    const output = page.locator(".widget-output").first();
    await expect.poll(() => output.textContent()).toContain("rank 2: ##");

    // A user moves the slider: focus its handle and press the right arrow key twice.
    const handle = page.locator(".widget-slider .noUi-handle").first();
    await handle.focus();
    await handle.press("ArrowRight");
    await handle.press("ArrowRight");
    await expect.poll(() => output.textContent(), { timeout: 20_000 }).toContain("rank 4: ####");

    // The kernel's model followed, and echoed the update back (protocol 2.1.0).
    const check = await run(page, "k.value");
    expect(check.texts).toContain("4");
    const log = await page.evaluate(() => (window as any).lowrank.log as string[]);
    expect(log.some((m) => m.includes('"method":"echo_update"') && m.includes('"value":4'))).toBe(true);
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
  });

  it("restores every widget on a reloaded page from the control comm's request_states", async () => {
    const reloaded = await openPage(browser, pageServer);
    try {
      await reloaded.evaluate(([url, token, id]) => (window as any).lowrank.connect(url, token, id), [server.url, server.token, kernelId]);
      await reloaded.evaluate((id) => (window as any).lowrank.restoreAndShow(id), interactId);
      await expect.poll(() => reloaded.locator(".widget-output").first().textContent()).toContain("rank 4: ####");
      expect(await reloaded.locator(".widget-readout").first().textContent()).toBe("4");
      // Restored through the control comm, not the slower fallback of one request_state per comm.
      const log = await reloaded.evaluate(() => (window as any).lowrank.log as string[]);
      expect(log.some((m) => m.startsWith('comm_msg {"method":"update_states"'))).toBe(true);
    } finally {
      await reloaded.close();
    }
  });

  it("runs the tour notebook's interact over matrix sensing, and saves its screenshot", async () => {
    await page.evaluate(() => (document.getElementById("out")!.innerHTML = ""));
    const cell = await run(page, tourInteractCell());
    expect(cell.errors).toEqual([]);
    const widget = page.locator(".cell-output").last();
    const figure = widget.locator(".widget-output svg path[stroke]");
    await expect.poll(() => figure.count(), { timeout: 60_000 }).toBeGreaterThan(0);
    mkdirSync(screenshotDir, { recursive: true });
    await widget.screenshot({ path: join(screenshotDir, "interact.png") });

    const caption = widget.locator(".widget-output figcaption");
    const before = await caption.textContent();
    expect(before).toContain("k=4");
    const handle = widget.locator(".widget-slider .noUi-handle").first();
    await handle.focus();
    await handle.press("ArrowRight");
    await expect.poll(() => caption.textContent(), { timeout: 60_000 }).toContain("k=5");
  });
});
