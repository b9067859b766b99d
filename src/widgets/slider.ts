/**
 * Sliders: IntSlider, FloatSlider and FloatLogSlider of @jupyter-widgets/controls 2.0.0.
 * `slider()` picks int or float from the numbers it is given, as a researcher expects
 * (`slider({min: 1, max: 8})` is a rank, `slider({min: 0, max: 1, step: 0.05})` a fraction).
 */
import { UsageError } from "../compute/usageError.js";
import type { JSONValue } from "./bridge.js";
import { ValueWidget, domParts, type DOMWidgetOptions } from "./domWidget.js";
import { CONTROLS_MODULE, CONTROLS_VERSION, modelKeys } from "./protocol.js";

export interface SliderOptions extends DOMWidgetOptions {
  /** Default 0 (log: 1e-4). */
  min?: number;
  /** Default 100 (log: 1). */
  max?: number;
  /** Default 1 for int, 0.1 for float, 0.25 decades for log. */
  step?: number;
  /** Default `min`. */
  value?: number;
  /**
   * 'int', 'float', or 'log' (a FloatLogSlider: min, max and value in natural units, `step`
   * in powers of ten). Default: 'int' when min, max, step and value are all integers, else 'float'.
   */
  type?: "int" | "float" | "log";
  /** Send values while dragging (true) or only on release (false); default true. */
  continuous_update?: boolean;
  /** A d3-format string for the readout; default 'd' for int, decimals of `step` for float, '.3g' for log. */
  readout_format?: string;
  /** Default 'horizontal'. */
  orientation?: "horizontal" | "vertical";
}

function checkNumber(name: string, x: unknown): number | undefined {
  if (x === undefined) return undefined;
  if (typeof x !== "number" || !Number.isFinite(x)) throw new UsageError(`slider: ${name}=${String(x)} is not allowed; allowed: a finite number`);
  return x;
}

/** Decimals a readout needs to show a step (0.05 → '.2f'). */
function decimalsFormat(step: number): string {
  const d = Math.max(0, Math.min(10, Math.ceil(-Math.log10(step) - 1e-9)));
  return `.${d}f`;
}

export class Slider extends ValueWidget<number> {
  readonly kind: "int" | "float" | "log";

  constructor(options: SliderOptions = {}) {
    const given = { min: checkNumber("min", options.min), max: checkNumber("max", options.max), step: checkNumber("step", options.step), value: checkNumber("value", options.value) };
    const kind = options.type ?? (Object.values(given).every((x) => x === undefined || Number.isInteger(x)) ? "int" : "float");
    if (!["int", "float", "log"].includes(kind)) throw new UsageError(`slider: type='${kind}' is not allowed; allowed: int, float, log`);
    const log = kind === "log";
    const min = given.min ?? (log ? 1e-4 : 0);
    const max = given.max ?? (log ? 1 : 100);
    const step = given.step ?? (kind === "int" ? 1 : log ? 0.25 : 0.1);
    const value = given.value ?? min;
    if (!(min <= max)) throw new UsageError(`slider: min=${min} is above max=${max}; min must be at most max`);
    if (!(step > 0)) throw new UsageError(`slider: step=${step} is not allowed; allowed: a number above 0`);
    if (kind === "int" && ![min, max, step, value].every(Number.isInteger)) throw new UsageError(`slider: type 'int' needs integer min, max, step and value; got ${min}, ${max}, ${step}, ${value}`);
    if (log && !(min > 0)) throw new UsageError(`slider: a log slider needs min > 0; got min=${min}`);
    if (value < min || value > max) throw new UsageError(`slider: value=${value} is outside [${min}, ${max}]`);
    const model = kind === "int" ? "IntSlider" : log ? "FloatLogSlider" : "FloatSlider";
    super(
      {
        ...modelKeys([CONTROLS_MODULE, CONTROLS_VERSION, `${model}Model`], [CONTROLS_MODULE, CONTROLS_VERSION, `${model}View`]),
        behavior: "drag-tap",
        continuous_update: options.continuous_update ?? true,
        disabled: options.disabled ?? false,
        orientation: options.orientation ?? "horizontal",
        readout: true,
        readout_format: options.readout_format ?? (kind === "int" ? "d" : log ? ".3g" : decimalsFormat(step)),
        // FloatLogSlider keeps min and max as exponents of `base` (controls 2.0.0).
        ...(log ? { base: 10, min: Math.log10(min), max: Math.log10(max) } : { min, max }),
        step,
        value,
      },
      domParts(options, "SliderStyleModel"),
    );
    this.kind = kind;
  }

  get value(): number {
    return this.get("value") as number;
  }
  set value(v: number) {
    this.set({ value: v });
  }

  /** The lowest value, in natural units (a log slider converts from its exponent). */
  get min(): number {
    return this.#natural("min");
  }
  get max(): number {
    return this.#natural("max");
  }

  #natural(key: "min" | "max"): number {
    const x = this.get(key) as number;
    return this.kind === "log" ? 10 ** x : x;
  }

  /** Values from the browser are rounded (int) and clamped into [min, max], as ipywidgets does. */
  protected override coerce(key: string, value: JSONValue): JSONValue {
    if (key !== "value") return super.coerce(key, value);
    if (typeof value !== "number" || !Number.isFinite(value)) throw new UsageError(`slider ${this.description}: value=${String(value)} is not a number`);
    const v = this.kind === "int" ? Math.round(value) : value;
    return Math.min(this.max, Math.max(this.min, v));
  }

  protected override reprKeys(): string[] {
    return ["value", "min", "max", "step", ...(this.description ? ["description"] : [])];
  }
}

/** An IntSlider, FloatSlider or FloatLogSlider; see SliderOptions for how the kind is chosen. */
export function slider(options: SliderOptions = {}): Slider {
  return new Slider(options);
}
