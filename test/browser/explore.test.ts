/**
 * explore's output in a real browser: the script builds the sliders and redraws the figure
 * from the embedded rows, with no kernel anywhere; with scripts off, the static figure stays.
 */
import * as aq from "arquero";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Plot from "@observablehq/plot";
import { figure } from "../../src/plot/figure.js";
import { makeRecord } from "../../src/report/record.js";
import { explore, exploreFigures } from "../../src/widgets/index.js";
import { launchChromium, type Browser } from "./chromium.js";

function sweepTable() {
  const rows = [];
  for (const k of [1, 2, 4]) for (const alpha of [0.01, 0.1]) for (const variant of ["sym", "asym"]) for (let t = 0; t <= 20; t++) {
    rows.push({ k, alpha, variant, step: t, error: alpha * Math.exp(-t / (k * (variant === "sym" ? 1 : 2))) });
  }
  return aq.from(rows);
}

describe("explore in headless Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => browser?.close());

  it("redraws the figure for the slider's value, without a kernel", async () => {
    const html = explore(sweepTable(), { x: "step", y: "error", color: "variant", sliders: ["k", "alpha"], logY: true }).html;
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.setContent(`<!DOCTYPE html><html><body>${html}</body></html>`);
    const root = page.locator(".lowrank-explore");
    await expect.poll(() => root.getAttribute("data-ready")).toBe("1");
    expect(await page.locator(".lrx-controls input[type=range]").count()).toBe(2);
    expect(await page.locator(".lrx-note").count()).toBe(0);
    expect(await root.getAttribute("data-rows")).toBe(String(2 * 21));
    const pathsAt = () => page.locator(".lrx-figure svg path").evaluateAll((ps) => ps.map((p) => p.getAttribute("d")));
    const before = await pathsAt();
    expect(before).toHaveLength(2);

    await page.locator('input[name="k"]').evaluate((input: HTMLInputElement) => {
      input.value = "2";
      input.dispatchEvent(new Event("input", { bubbles: true }));
    });
    const after = await pathsAt();
    expect(after).toHaveLength(2);
    expect(after).not.toEqual(before);
    expect(await page.locator('input[name="k"] + span').textContent()).toBe("4");
    expect(errors).toEqual([]);
  });

  it("shows the static Observable Plot figure where scripts do not run", async () => {
    const html = explore(sweepTable(), { x: "step", y: "error", color: "variant", sliders: ["k"], logY: true }).html;
    const noScripts = await launchChromium({ javaScriptEnabled: false });
    try {
      const page = await noScripts.context.newPage();
      await page.setContent(`<!DOCTYPE html><html><body>${html}</body></html>`);
      expect(await page.locator(".lrx-figure figure.lowrank-figure svg").count()).toBeGreaterThan(0);
      expect(await page.locator(".lrx-controls input").count()).toBe(0);
      expect(await page.locator(".lrx-note").textContent()).toContain("Static figure");
    } finally {
      await noScripts.close();
    }
  });

  it("shows the paper's own figure of the chosen sweep point (exploreFigures)", async () => {
    const points = [1, 2, 4].map((k) => {
      const rows = Array.from({ length: 20 }, (_, t) => ({ t, error: Math.exp(-t / k) }));
      const curves = figure({ id: "curves", title: `k = ${k}`, plot: { y: { type: "log" }, marks: [Plot.line(rows, { x: "t", y: "error" })] } });
      const record = makeRecord({ experiment: "toy", preset: "quick", overrides: { k }, params: { k }, seed: 0, backend: "cpu", durationMs: 1, cached: true, metrics: {}, claims: [], figures: [curves], result: { tables: {}, metrics: {} } });
      return { point: { k }, record };
    });
    const html = exploreFigures(points, "curves").html;
    const page = await browser.context.newPage();
    await page.setContent(`<!DOCTYPE html><html><body>${html}</body></html>`);
    const visibleTitle = () => page.locator(".lrf-point:visible figure > div").first().textContent();
    expect(await visibleTitle()).toBe("k = 1");
    await page.locator('input[name="k"]').evaluate((input: HTMLInputElement) => {
      input.value = "2";
      input.dispatchEvent(new Event("input", { bubbles: true }));
    });
    expect(await visibleTitle()).toBe("k = 4");
    expect(await page.locator(".lrf-point:visible").count()).toBe(1);
    expect(() => exploreFigures(points, "nope")).toThrow(/toy has no figure 'nope'; available: curves/);
  });
});
