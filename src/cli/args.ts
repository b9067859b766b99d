/** argv parsing with node:util's parseArgs, turning its errors into one-line UsageErrors. */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "../compute/usageError.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Option values by name: string, boolean, or string[] for `multiple` options. */
export interface Parsed {
  values: Record<string, any>;
  positionals: string[];
}

export function parse(command: string, argv: string[], options: Options, positionals = false): Parsed {
  try {
    return parseArgs({ args: argv, options, allowPositionals: positionals, strict: true }) as Parsed;
  } catch (e) {
    const known = Object.keys(options).map((o) => `--${o}`).join(", ");
    // parseArgs explains over several lines; keep them, on one line, minus its advice on positionals.
    const message = (e as Error).message.split("\n").join(" ").replace(/\s*To specify a positional.*$/, "").replace(/\.$/, "");
    throw new UsageError(`${command}: ${message}${known ? `; options: ${known}` : ""}`);
  }
}

/** `--set key=value` pairs → an object; the experiment's schema checks names and values later. */
export function parseSets(sets: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of sets ?? []) {
    const eq = s.indexOf("=");
    if (eq <= 0) throw new UsageError(`--set ${s} is not key=value; example: --set k=4`);
    out[s.slice(0, eq).trim()] = s.slice(eq + 1).trim();
  }
  return out;
}

/** A flag's value as a whole number ≥ 1, or a one-line usage error naming the command and flag. */
export function positiveInt(value: string, command: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${command}: ${flag} ${value} is not allowed; allowed: an integer >= 1`);
  return n;
}
