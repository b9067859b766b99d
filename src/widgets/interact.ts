/**
 * interact(fn, controls): controls above an Output; moving one re-runs `fn` with every
 * control's value and shows what it returns. As in ipywidgets' interact, a control may be
 * given as a widget or as shorthand. Unlike a naive loop, a re-run waits for the controls to
 * rest (debounced), never overlaps another run (the newest values run next, the running one
 * is told to stop through its AbortSignal), and the previous result stays on screen until the
 * new one is ready, with any progress bar of the new run shown under it.
 */
import { UsageError } from "../compute/usageError.js";
import { jupyterDisplay, type MimeBundle } from "../plot/display.js";
import type { JSONObject } from "./bridge.js";
import { Box, type BoxOptions } from "./box.js";
import { Checkbox } from "./checkbox.js";
import { ValueWidget } from "./domWidget.js";
import { Dropdown } from "./dropdown.js";
import { Output } from "./output.js";
import { withSink } from "./sink.js";
import { Slider, type SliderOptions } from "./slider.js";
import { toBundle, toOutputs } from "./toOutput.js";

/** A value passed to `fn` unchanged, with no control (ipywidgets' `fixed`). */
export class Fixed<T> {
  constructor(readonly value: T) {}
}
export const fixed = <T>(value: T): Fixed<T> => new Fixed(value);

/**
 * A control, or shorthand for one: `[min, max]` / `[min, max, step]` (a slider, int when all
 * are integers), any other array (a dropdown of its items), a boolean (a checkbox), slider
 * options `{min, max, step, value, type}`, or `fixed(value)`.
 */
export type ControlSpec =
  | ValueWidget<any>
  | Fixed<any>
  | boolean
  | readonly [number, number]
  | readonly [number, number, number]
  | readonly unknown[]
  | SliderOptions;

/** The value type `fn` receives for one control spec. */
export type ValueOf<C> = C extends ValueWidget<infer T> ? T
  : C extends Fixed<infer T> ? T
  : C extends boolean ? boolean
  : C extends readonly [number, number] | readonly [number, number, number] ? number
  : C extends readonly (infer T)[] ? T
  : C extends SliderOptions ? number
  : never;

export type Values<C> = { [K in keyof C]: ValueOf<C[K]> };

export interface InteractOptions extends BoxOptions {
  /** How long the controls must rest before `fn` re-runs, in ms; default 150. */
  debounceMs?: number;
}

/** Turns one control spec into a widget (or a fixed value). */
export function maybeControl(name: string, spec: ControlSpec): ValueWidget<unknown> | Fixed<unknown> {
  if (spec instanceof ValueWidget || spec instanceof Fixed) return spec;
  if (typeof spec === "boolean") return new Checkbox({ value: spec, description: name });
  if (Array.isArray(spec)) {
    if ((spec.length === 2 || spec.length === 3) && spec.every((x) => typeof x === "number")) {
      const [min, max, step] = spec as number[];
      return new Slider({ min, max, step, value: middle(min, max, step), description: name });
    }
    return new Dropdown({ options: spec, description: name });
  }
  if (spec && typeof spec === "object" && ("min" in spec || "max" in spec || "value" in spec)) return new Slider({ description: name, ...spec });
  throw new UsageError(
    `interact: control '${name}'=${String(spec)} is not allowed; allowed: a widget, [min, max] or [min, max, step], an array of options, a boolean, slider options {min, max, step, value}, or fixed(value)`,
  );
}

/** ipywidgets starts a (min, max) slider in the middle, on a step. */
function middle(min: number, max: number, step?: number): number {
  const s = step ?? (Number.isInteger(min) && Number.isInteger(max) ? 1 : (max - min) / 100);
  return min + Math.floor((max - min) / 2 / s) * s;
}

export class Interactive<V = Record<string, unknown>> extends Box {
  readonly controls: Readonly<Record<string, ValueWidget<unknown>>>;
  readonly out: Output;
  readonly #fixed: Record<string, unknown>;
  readonly #fn: (values: V, context: { signal: AbortSignal }) => unknown;
  readonly #debounceMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> | undefined;
  #rerun = false;
  #abort: AbortController | undefined;
  #generation = 0;
  #shown = 0;
  #result: unknown;
  #resultOutputs: JSONObject[] = [];

  constructor(fn: (values: V, context: { signal: AbortSignal }) => unknown, specs: Record<string, ControlSpec>, options: InteractOptions = {}) {
    if (typeof fn !== "function") throw new UsageError("interact: the first argument must be a function of the controls' values");
    const controls: Record<string, ValueWidget<unknown>> = {};
    const fixedValues: Record<string, unknown> = {};
    for (const [name, spec] of Object.entries(specs ?? {})) {
      const c = maybeControl(name, spec);
      if (c instanceof Fixed) fixedValues[name] = c.value;
      else controls[name] = c;
    }
    const out = new Output();
    super("VBox", [...Object.values(controls), out], options);
    this.controls = controls;
    this.out = out;
    this.#fixed = fixedValues;
    this.#fn = fn;
    this.#debounceMs = options.debounceMs ?? 150;
    for (const c of Object.values(controls)) c.onChange(() => this.#schedule());
    this.update();
  }

  /** The values `fn` gets now. */
  get values(): V {
    const values: Record<string, unknown> = { ...this.#fixed };
    for (const [name, c] of Object.entries(this.controls)) values[name] = c.value;
    return values as V;
  }

  /** The value shown now (the latest finished run's). */
  get result(): unknown {
    return this.#result;
  }

  /** Re-runs `fn` now with the current values, skipping the debounce. */
  update(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#running) {
      // One run at a time: ask the current one to stop, and run the newest values after it.
      this.#rerun = true;
      this.#abort?.abort(new Error("interact: superseded by a newer change"));
      return;
    }
    this.#running = this.#run().finally(() => {
      this.#running = undefined;
      if (this.#rerun) {
        this.#rerun = false;
        this.update();
      }
    });
  }

  /** Resolves once no change is waiting and no run is in flight (for scripts and tests). */
  async settled(): Promise<void> {
    while (this.#timer !== undefined || this.#running) {
      if (this.#running) await this.#running;
      else await new Promise((r) => setTimeout(r, this.#debounceMs));
    }
  }

  /** Outside the kernel: the latest result, shown statically. */
  override [jupyterDisplay](): MimeBundle {
    if (this.live) return super[jupyterDisplay]();
    const values = Object.entries(this.values as Record<string, unknown>).map(([k, v]) => `${k}=${String(v)}`).join(", ");
    return this.#result === undefined ? { "text/plain": `interact(${values})` } : { ...toBundle(this.#result), "text/plain": `interact(${values})` };
  }

  override toString(): string {
    return `interact(${Object.keys(this.controls).join(", ")})`;
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    this.#abort?.abort(new Error("interact: superseded by a newer change"));
    this.#timer = setTimeout(() => this.update(), this.#debounceMs);
  }

  async #run(): Promise<void> {
    const generation = ++this.#generation;
    const abort = (this.#abort = new AbortController());
    const newest = () => generation === this.#generation && !abort.signal.aborted;
    // A progress bar inside `fn` shows under the result still on screen.
    const sink = () => (bundle: MimeBundle) => {
      if (newest()) this.out.setOutputs([...this.#resultOutputs, { output_type: "display_data", data: bundle as JSONObject, metadata: {} }]);
    };
    let result: unknown;
    try {
      result = await withSink(sink, () => this.#fn(this.values, { signal: abort.signal }));
    } catch (e) {
      result = e instanceof Error ? e : new Error(String(e));
    }
    if (this.#abort === abort) this.#abort = undefined;
    // A run that was superseded, or that finishes after a newer one was shown, is dropped.
    if (abort.signal.aborted || generation < this.#shown) return;
    this.#shown = generation;
    this.#result = result;
    this.#resultOutputs = toOutputs(result);
    this.out.setOutputs(this.#resultOutputs);
  }
}

/**
 * Controls for `fn`'s inputs above an Output showing what `fn` returns (a figure, a table,
 * text, any value with a Jupyter display method). `fn` receives {name: value} and an
 * AbortSignal that fires when a newer change supersedes the run; it may be async.
 */
export function interact<const C extends Record<string, ControlSpec>>(
  fn: (values: Values<C>, context: { signal: AbortSignal }) => unknown,
  controls: C,
  options: InteractOptions = {},
): Interactive<Values<C>> {
  return new Interactive(fn, controls, options);
}
