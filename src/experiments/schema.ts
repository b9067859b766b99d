/**
 * Parameter schemas: typed defaults with ranges and one line of help each. `resolveParams`
 * is the one place user input (a preset, `--set key=value` strings, a notebook's object) is
 * normalised into the strict params an experiment trusts; every mistake is a UsageError
 * naming the parameter and what is allowed.
 */
import { UsageError } from "../compute/usageError.js";

interface Base<T> {
  default: T;
  /** One line: what it is, in the paper's symbols. */
  help: string;
  unit?: string;
}
export interface NumberSpec extends Base<number> {
  type: "int" | "number";
  min?: number;
  max?: number;
}
export interface NumberListSpec extends Base<number[]> {
  type: "number[]";
  min?: number;
  max?: number;
}
export interface BooleanSpec extends Base<boolean> {
  type: "boolean";
}
export interface ChoiceSpec extends Base<string> {
  type: "choice";
  choices: readonly string[];
}
export type ParamSpec = NumberSpec | NumberListSpec | BooleanSpec | ChoiceSpec;

export type Schema<P> = { [K in keyof P]: ParamSpec };

/** The JSON shape of one parameter in `lowrank-lab list --json`. */
export interface ParamDescription {
  name: string;
  type: ParamSpec["type"];
  default: unknown;
  min?: number;
  max?: number;
  choices?: readonly string[];
  unit?: string;
  help: string;
}

export function describeParams(schema: Schema<object>): ParamDescription[] {
  return Object.entries(schema as Record<string, ParamSpec>).map(([name, spec]) => ({
    name,
    type: spec.type,
    default: spec.default,
    ...("min" in spec && spec.min !== undefined ? { min: spec.min } : {}),
    ...("max" in spec && spec.max !== undefined ? { max: spec.max } : {}),
    ...(spec.type === "choice" ? { choices: spec.choices } : {}),
    ...(spec.unit ? { unit: spec.unit } : {}),
    help: spec.help,
  }));
}

function allowed(spec: ParamSpec): string {
  switch (spec.type) {
    case "choice":
      return `one of ${spec.choices.join(", ")}`;
    case "boolean":
      return "true or false";
    default: {
      const kind = spec.type === "int" ? "an integer" : spec.type === "number[]" ? "a comma-separated list of numbers" : "a number";
      const lo = spec.min !== undefined ? ` >= ${spec.min}` : "";
      const hi = spec.max !== undefined ? ` <= ${spec.max}` : "";
      return `${kind}${lo}${lo && hi ? " and" : ""}${hi}`;
    }
  }
}

function checkNumber(name: string, spec: NumberSpec | NumberListSpec, x: number, shown: unknown): number {
  const bad = !Number.isFinite(x) || (spec.type === "int" && !Number.isInteger(x)) ||
    (spec.min !== undefined && x < spec.min) || (spec.max !== undefined && x > spec.max);
  if (bad) throw new UsageError(`parameter ${name}=${shown} is out of range; allowed: ${allowed(spec)}`);
  return x;
}

/** Turns one loose value (a CLI string or a JS value) into the strict type its spec names. */
export function maybeParam(name: string, spec: ParamSpec, value: unknown): unknown {
  const shown = Array.isArray(value) ? value.join(",") : String(value);
  const wrongType = () => new UsageError(`parameter ${name}=${shown} has the wrong type; allowed: ${allowed(spec)}`);
  switch (spec.type) {
    case "int":
    case "number": {
      const x = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
      if (typeof x !== "number" || Number.isNaN(x)) throw wrongType();
      return checkNumber(name, spec, x, shown);
    }
    case "number[]": {
      const items = typeof value === "string" ? value.split(",").map((s) => (s.trim() === "" ? NaN : Number(s))) : value;
      if (!Array.isArray(items) || items.length === 0 || items.some((x) => typeof x !== "number" || Number.isNaN(x))) throw wrongType();
      return items.map((x: number) => checkNumber(name, spec, x, shown));
    }
    case "boolean":
      if (value === true || value === "true" || value === "1") return true;
      if (value === false || value === "false" || value === "0") return false;
      throw wrongType();
    case "choice":
      if (typeof value !== "string" || !spec.choices.includes(value)) {
        throw new UsageError(`parameter ${name}=${shown} is not allowed; allowed: ${allowed(spec)}`);
      }
      return value;
  }
}

/**
 * Defaults, then the preset, then overrides, each checked. Unknown keys are rejected with the
 * list of known ones, so a typo never runs silently with the default.
 */
export function resolveParams<P extends object>(
  experiment: string,
  schema: Schema<P>,
  ...layers: Array<Partial<Record<string, unknown>> | undefined>
): P {
  const specs = schema as Record<string, ParamSpec>;
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) out[name] = spec.default;
  for (const layer of layers) {
    for (const [name, value] of Object.entries(layer ?? {})) {
      const spec = specs[name];
      if (!spec) {
        throw new UsageError(`unknown parameter '${name}' for ${experiment}; known: ${Object.keys(specs).join(", ")}`);
      }
      if (value === undefined) continue;
      out[name] = maybeParam(name, spec, value);
    }
  }
  return out as P;
}
