/**
 * `lowrank-lab spectra BASE TUNED_OR_ADAPTER [--layers REGEX] [--k N] [--epsilon E] [--json] [--out DIR]`:
 * the intruder dimensions of a real fine-tune, layer by layer (src/spectra/). With `--out`, the
 * per-layer table as layers.csv, the figures as SVG and PNG, and the whole comparison as
 * spectra.json.
 */
import * as aq from "arquero";
import { join } from "node:path";
import { UsageError } from "../compute/usageError.js";
import { figureToPNG, figureToSVG } from "../plot/render.js";
import { compareCheckpoints } from "../spectra/compareCheckpoints.js";
import { checkpointFigures } from "../spectra/figures.js";
import { parse } from "./args.js";
import { checkOutDir, makeOutDir } from "./outDir.js";
import { writeAtomic } from "./outputs.js";
import { stderrProgress } from "./progress.js";

function number(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const x = Number(value);
  if (value.trim() === "" || !Number.isFinite(x)) throw new UsageError(`spectra: --${name} ${value} is not a number`);
  return x;
}

export async function spectraCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse("spectra", argv, {
    layers: { type: "string" },
    k: { type: "string" },
    epsilon: { type: "string" },
    out: { type: "string" },
    json: { type: "boolean" },
  }, true);
  if (positionals.length !== 2) throw new UsageError("spectra takes two paths: BASE (a .safetensors file or folder) and TUNED (the same, or a PEFT adapter folder)");
  const [base, tuned] = positionals;
  const out = values.out === undefined ? undefined : checkOutDir(values.out);
  const progress = stderrProgress("spectra");
  const result = compareCheckpoints(base, tuned, {
    layers: values.layers,
    k: number(values.k, "k", 10),
    epsilon: number(values.epsilon, "epsilon", 0.5),
    onLayer: (done, total, layer) => progress(done, total, layer),
  });
  progress.end();
  const files: string[] = [];
  if (out) {
    makeOutDir(out);
    const put = (name: string, content: string | Buffer) => {
      writeAtomic(join(out, name), content);
      files.push(join(out, name));
    };
    const table = aq.from(result.layers.map(({ maxSimilarity, intruderRanks, ...rest }) => ({ ...rest, intruderRanks: intruderRanks.join(" ") })));
    put("layers.csv", table.toCSV());
    for (const f of checkpointFigures(result)) {
      put(`${f.id}.svg`, figureToSVG(f));
      put(`${f.id}.png`, figureToPNG(f));
    }
    put("spectra.json", JSON.stringify(result, null, 2) + "\n");
  }
  if (values.json) {
    process.stdout.write(JSON.stringify({ ...result, files }) + "\n");
  } else {
    process.stdout.write(`${result.kind === "adapter" ? "LoRA adapter" : "full fine-tune"}: ${result.totalIntruders} intruder dimensions in ${result.layers.length} layers (top ${result.k}, ε = ${result.epsilon})\n`);
    for (const l of result.layers) process.stdout.write(`  ${String(l.intruders).padStart(3)}  ${l.layer} (${l.rows}×${l.cols})${l.intruders ? `  at ranks ${l.intruderRanks.join(", ")}` : ""}\n`);
    if (out) process.stdout.write(`files in ${out}\n`);
  }
  return 0;
}
