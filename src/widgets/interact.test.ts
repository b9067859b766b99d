import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { installFakeBridge, uninstallBridge, type FakeBridge } from "../../test/widgets/fakeBridge.js";
import { jupyterDisplay } from "../plot/display.js";
import { dropdown, fixed, interact, progress, slider } from "./index.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const shownText = (outputs: Array<Record<string, any>>) => outputs.map((o) => o.data?.["text/plain"] ?? o.evalue);

describe("interact", () => {
  let bridge: FakeBridge;
  beforeEach(() => {
    bridge = installFakeBridge();
  });
  afterEach(uninstallBridge);

  it("builds controls from shorthand and shows fn's first result at once", async () => {
    const w = interact(({ k, alpha, init, log }) => `k=${k} alpha=${alpha} init=${init} log=${log}`, {
      k: [1, 8],
      alpha: [0, 1, 0.25],
      init: ["small", "large"],
      log: true,
    });
    await w.settled();
    expect(w.controls.k.getState()).toMatchObject({ _model_name: "IntSliderModel", min: 1, max: 8, value: 4, description: "k" });
    expect(w.controls.alpha.getState()).toMatchObject({ _model_name: "FloatSliderModel", value: 0.5 });
    expect(w.controls.init.getState()).toMatchObject({ _model_name: "DropdownModel", _options_labels: ["small", "large"] });
    expect(w.controls.log.getState()).toMatchObject({ _model_name: "CheckboxModel", value: true });
    expect(shownText(w.out.outputs)).toEqual(["k=4 alpha=0.5 init=small log=true"]);
    const children = w.get("children") as string[];
    expect(children.at(-1)).toBe(`IPY_MODEL_${w.out.modelId}`);
  });

  it("re-runs once after a burst of slider moves from the browser (debounced)", async () => {
    let runs = 0;
    const w = interact(({ k }) => (runs++, `rank ${k}`), { k: slider({ min: 1, max: 8, value: 1 }) }, { debounceMs: 30 });
    await w.settled();
    const id = w.controls.k.modelId;
    for (const v of [2, 3, 4, 5]) await bridge.fromFrontend(id, { method: "update", state: { value: v }, buffer_paths: [] });
    await w.settled();
    expect(runs).toBe(2);
    expect(shownText(w.out.outputs)).toEqual(["rank 5"]);
  });

  it("keeps the previous result on screen until the new one is ready", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const w = interact(async ({ k }) => (k === 7 && (await gate), `rank ${k}`), { k: slider({ min: 1, max: 8, value: 1 }), n: fixed(3) }, { debounceMs: 0 });
    await w.settled();
    w.controls.k.value = 7;
    await sleep(20);
    expect(shownText(w.out.outputs)).toEqual(["rank 1"]);
    release();
    await w.settled();
    expect(shownText(w.out.outputs)).toEqual(["rank 7"]);
    expect(w.values).toEqual({ k: 7, n: 3 });
  });

  it("never lets a superseded run overwrite a newer result", async () => {
    // The first value takes long and ignores its abort signal; the newer one is quick.
    const w = interact(async ({ k }) => (await sleep(k === 2 ? 80 : 5), `rank ${k}`), { k: [1, 8, 1] }, { debounceMs: 0 });
    await w.settled();
    w.controls.k.value = 2;
    await sleep(10);
    w.controls.k.value = 6;
    await w.settled();
    expect(shownText(w.out.outputs)).toEqual(["rank 6"]);
    await sleep(100);
    expect(shownText(w.out.outputs)).toEqual(["rank 6"]);
  });

  it("aborts the running call through its signal when a newer change arrives", async () => {
    const aborted: number[] = [];
    const w = interact(
      ({ k }, { signal }) =>
        new Promise((resolve) => {
          const t = setTimeout(() => resolve(`rank ${k}`), k === 2 ? 200 : 1);
          signal.addEventListener("abort", () => (clearTimeout(t), aborted.push(k), resolve("stopped")));
        }),
      { k: [1, 8, 1] },
      { debounceMs: 0 },
    );
    await w.settled();
    w.controls.k.value = 2;
    await sleep(20);
    w.controls.k.value = 3;
    await w.settled();
    expect(aborted).toEqual([2]);
    expect(shownText(w.out.outputs)).toEqual(["rank 3"]);
  });

  it("shows an error from fn in the output and recovers on the next change", async () => {
    const w = interact(({ k }) => {
      if (k > 5) throw new RangeError(`k=${k} is too large`);
      return `ok ${k}`;
    }, { k: [1, 8, 1] }, { debounceMs: 0 });
    w.controls.k.value = 7;
    await w.settled();
    expect(w.out.outputs[0]).toMatchObject({ output_type: "error", ename: "RangeError", evalue: "k=7 is too large" });
    w.controls.k.value = 2;
    await w.settled();
    expect(shownText(w.out.outputs)).toEqual(["ok 2"]);
  });

  it("shows a progress bar of a re-run under the previous result", async () => {
    let release!: () => void;
    const w = interact(async ({ k }) => {
      if (k === 1) return "first";
      const bar = progress(4, { label: "steps", throttleMs: 0 });
      bar.tick();
      await new Promise<void>((r) => (release = r));
      bar.tick(3);
      return "second";
    }, { k: slider({ min: 1, max: 8, value: 1 }) }, { debounceMs: 0 });
    await w.settled();
    w.controls.k.value = 2;
    await sleep(10);
    expect(shownText(w.out.outputs)).toEqual(["first", expect.stringContaining("steps 1/4")]);
    release();
    await w.settled();
    expect(shownText(w.out.outputs)).toEqual(["second"]);
  });

  it("displays rich results through their own Jupyter display method", async () => {
    const w = interact(({ choice }) => ({ [jupyterDisplay]: () => ({ "text/html": `<b>${choice}</b>`, "text/plain": choice }) }), {
      choice: dropdown({ options: ["a", "b"] }),
    });
    await w.settled();
    expect(w.out.outputs[0].data).toEqual({ "text/html": "<b>a</b>", "text/plain": "a" });
  });
});

describe("interact outside the kernel", () => {
  it("shows the first result statically", async () => {
    const w = interact(({ k }) => ({ [jupyterDisplay]: () => ({ "text/html": `<i>${k}</i>` }) }), { k: [0, 10, 2] });
    await w.settled();
    expect(w[jupyterDisplay]()).toEqual({ "text/html": "<i>4</i>", "text/plain": "interact(k=4)" });
  });

  it("rejects a bare number as a control, naming it and the allowed forms", () => {
    expect(() => interact(() => 0, { n: 30 as never })).toThrow(/control 'n'=30 is not allowed; allowed: a widget, \[min, max\]/);
  });
});
