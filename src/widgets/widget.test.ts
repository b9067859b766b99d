import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { installFakeBridge, uninstallBridge, type FakeBridge } from "../../test/widgets/fakeBridge.js";
import { UsageError } from "../compute/usageError.js";
import { jupyterDisplay } from "../plot/display.js";
import { button, checkbox, dropdown, hbox, output, slider, vbox } from "./index.js";
import { WIDGET_VIEW_MIME } from "./protocol.js";

describe("widgets in the lowrank-lab kernel (ipywidgets 8 protocol)", () => {
  let bridge: FakeBridge;
  beforeEach(() => {
    bridge = installFakeBridge();
  });
  afterEach(uninstallBridge);

  it("opens a slider as a jupyter.widget comm carrying its full state, protocol 2.1.0", () => {
    const s = slider({ min: 1, max: 8, value: 3, description: "k" });
    const open = bridge.sent.find((m) => m.kind === "open" && m.commId === s.modelId)!;
    expect(open.targetName).toBe("jupyter.widget");
    expect(open.metadata).toEqual({ version: "2.1.0" });
    expect(open.data.buffer_paths).toEqual([]);
    const state = open.data.state as Record<string, unknown>;
    expect(state).toMatchObject({
      _model_module: "@jupyter-widgets/controls",
      _model_module_version: "2.0.0",
      _model_name: "IntSliderModel",
      _view_name: "IntSliderView",
      min: 1, max: 8, step: 1, value: 3, description: "k", readout_format: "d",
    });
    // Layout and style are opened first, so the frontend can resolve the references at once.
    const opens = bridge.sent.filter((m) => m.kind === "open").map((m) => (m.data.state as Record<string, string>)._model_name);
    expect(opens).toEqual(["LayoutModel", "SliderStyleModel", "IntSliderModel"]);
    expect(state.layout).toBe(`IPY_MODEL_${s.layout.modelId}`);
    expect(state.style).toBe(`IPY_MODEL_${s.style!.modelId}`);
  });

  it("displays as a widget view (version 2.0) with a text/plain fallback", () => {
    const s = slider({ min: 0, max: 1, step: 0.05, value: 0.5 });
    const bundle = s[jupyterDisplay]();
    expect(bundle[WIDGET_VIEW_MIME]).toEqual({ model_id: s.modelId, version_major: 2, version_minor: 0 });
    expect(bundle["text/plain"]).toBe("FloatSlider(value=0.5, min=0, max=1, step=0.05)");
    expect(s.get("readout_format")).toBe(".2f");
  });

  it("echoes a frontend update parented to that update, then tells observers", async () => {
    const s = slider({ min: 0, max: 10, value: 2 });
    const seen: unknown[] = [];
    s.observe((c) => seen.push([c.name, c.old, c.new, c.source]));
    bridge.sent = [];
    await bridge.fromFrontend(s.modelId, { method: "update", state: { value: 7 }, buffer_paths: [] }, "msg-A");
    expect(bridge.sent).toEqual([
      { kind: "msg", commId: s.modelId, targetName: "jupyter.widget", data: { method: "echo_update", state: { value: 7 }, buffer_paths: [] }, metadata: undefined, parent: "msg-A" },
    ]);
    expect(s.value).toBe(7);
    expect(seen).toEqual([["value", 2, 7, "frontend"]]);
  });

  it("sends back a corrected value when the frontend sends one out of range", async () => {
    const s = slider({ min: 0, max: 10, value: 2 });
    bridge.sent = [];
    await bridge.fromFrontend(s.modelId, { method: "update", state: { value: 12.4 }, buffer_paths: [] });
    expect(bridge.sent.map((m) => m.data)).toEqual([
      { method: "echo_update", state: { value: 12.4 }, buffer_paths: [] },
      { method: "update", state: { value: 10 }, buffer_paths: [] },
    ]);
    expect(s.value).toBe(10);
  });

  it("refuses frontend changes to a model's identity keys", async () => {
    const s = slider();
    await bridge.fromFrontend(s.modelId, { method: "update", state: { _model_name: "Evil" }, buffer_paths: [] });
    expect(s.get("_model_name")).toBe("IntSliderModel");
  });

  it("answers request_state with the full state", async () => {
    const c = checkbox({ value: true, description: "log y" });
    bridge.sent = [];
    await bridge.fromFrontend(c.modelId, { method: "request_state" });
    expect(bridge.sent).toHaveLength(1);
    expect(bridge.sent[0].data).toEqual({ method: "update", state: c.getState(), buffer_paths: [] });
    expect(c.getState()).toMatchObject({ _model_name: "CheckboxModel", value: true, indent: true });
  });

  it("sends kernel-side changes to the frontend as one update", () => {
    const c = checkbox();
    bridge.sent = [];
    c.value = true;
    c.value = true; // unchanged: nothing sent
    expect(bridge.sent.map((m) => m.data)).toEqual([{ method: "update", state: { value: true }, buffer_paths: [] }]);
  });

  it("answers the control comm's request_states with every live widget, for a page reload", () => {
    const s = slider({ max: 5 });
    const b = button({ description: "go" });
    b.close();
    const control = bridge.openFromFrontend("jupyter.widget.control", {});
    bridge.sent = [];
    control.msgHandlers.forEach((h) => h({ method: "request_states" }, []));
    const reply = bridge.sent[0].data as { method: string; states: Record<string, { model_name: string; model_module: string; model_module_version: string; state: object }> };
    expect(reply.method).toBe("update_states");
    expect(reply.states[s.modelId]).toEqual({ model_name: "IntSliderModel", model_module: "@jupyter-widgets/controls", model_module_version: "2.0.0", state: s.getState() });
    expect(reply.states[s.layout.modelId].model_name).toBe("LayoutModel");
    expect(reply.states[b.modelId]).toBeUndefined();
  });

  it("calls a button's click handlers on a custom click message", async () => {
    const b = button({ description: "resample", button_style: "primary" });
    let clicks = 0;
    b.onClick(() => void clicks++);
    await bridge.fromFrontend(b.modelId, { method: "custom", content: { event: "click" } });
    expect(clicks).toBe(1);
    expect(b.getState()).toMatchObject({ _model_name: "ButtonModel", button_style: "primary", description: "resample" });
    expect(b.getState()).not.toHaveProperty("description_allow_html");
  });

  it("keeps dropdown values in the kernel and syncs only labels and the index", async () => {
    const presets = [{ n: 10 }, { n: 100 }];
    const d = dropdown({ options: [["small", presets[0]], ["large", presets[1]]], description: "size" });
    expect(d.getState()).toMatchObject({ _options_labels: ["small", "large"], index: 0 });
    await bridge.fromFrontend(d.modelId, { method: "update", state: { index: 1 }, buffer_paths: [] });
    expect(d.value).toBe(presets[1]);
    d.value = presets[0];
    expect(d.index).toBe(0);
  });

  it("nests controls in boxes by model reference", () => {
    const a = slider();
    const o = output();
    const box = vbox([hbox([a]), o]);
    const children = box.get("children") as string[];
    expect(children[1]).toBe(`IPY_MODEL_${o.modelId}`);
    expect(box.getState()._model_name).toBe("VBoxModel");
    expect(o.getState()).toMatchObject({ _model_module: "@jupyter-widgets/output", _model_module_version: "1.0.0", outputs: [], msg_id: "" });
  });

  it("shows values in an Output through its outputs state", () => {
    const o = output();
    o.show({ [jupyterDisplay]: () => ({ "text/html": "<b>hi</b>", "text/plain": "hi" }) });
    expect(o.outputs).toEqual([{ output_type: "display_data", data: { "text/html": "<b>hi</b>", "text/plain": "hi" }, metadata: {} }]);
    o.display("more");
    expect(o.outputs[1]).toEqual({ output_type: "display_data", data: { "text/plain": "more" }, metadata: {} });
    o.show(new RangeError("bad k"));
    expect(o.outputs[0]).toMatchObject({ output_type: "error", ename: "RangeError", evalue: "bad k" });
  });
});

describe("widgets outside the kernel", () => {
  it("display as text, with no comm and no widget view", () => {
    const s = slider({ min: 1, max: 8, value: 4, description: "k" });
    expect(s.live).toBe(false);
    expect(s[jupyterDisplay]()).toEqual({ "text/plain": 'IntSlider(value=4, min=1, max=8, step=1, description="k")' });
    s.value = 6;
    expect(s.value).toBe(6);
  });

  it("pick int, float or log sliders from the numbers given", () => {
    expect(slider({ min: 1, max: 8 }).kind).toBe("int");
    expect(slider({ min: 0, max: 1, step: 0.1 }).kind).toBe("float");
    expect(slider({ min: 1, max: 8, type: "float" }).get("_model_name")).toBe("FloatSliderModel");
    const log = slider({ type: "log", min: 1e-4, max: 1, value: 1e-2 });
    expect(log.getState()).toMatchObject({ _model_name: "FloatLogSliderModel", min: -4, max: 0, base: 10, value: 1e-2 });
    expect(log.min).toBeCloseTo(1e-4);
  });

  it("reject bad options with a message naming the option", () => {
    expect(() => slider({ min: 5, max: 1 })).toThrow(UsageError);
    expect(() => slider({ min: 0, max: 10, value: 11 })).toThrow(/value=11 is outside \[0, 10\]/);
    expect(() => slider({ min: 0, max: 10, step: 0.5, type: "int" })).toThrow(/type 'int' needs integer/);
    expect(() => dropdown({ options: [] })).toThrow(/options is empty/);
    expect(() => dropdown({ options: ["a", "b"], value: "c" })).toThrow(/value=c is not one of the options/);
    expect(() => slider({ layout: { colour: "red" } as never })).toThrow(/layout: unknown key 'colour'/);
    expect(() => hbox([{} as never])).toThrow(/children must be an array of widgets/);
  });
});
