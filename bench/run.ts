/**
 * `npm run bench [-- --json] [-- --only svd,spectra]`: lowrank-lab against numpy (PyTorch for the
 * attention heads and intrinsic-dimension training) doing the same work on the same machine, in
 * the same run, the reference timed twice: as installed (all its threads, what a user gets) and on
 * one thread. Prints ratios (ours / reference; below 1 means lowrank-lab is faster), never bare
 * times alone, since absolute times say more about the machine than about the code. `--json`
 * ends the output with one JSON line, `{machine: {cpus, model}, rows: [...]}`; `--only` runs only
 * the named benches.
 */
import { benchMatrixSensing } from "./matrixSensing.js";
import { benchSvd } from "./svd.js";
import { benchDoubleDescent } from "./doubleDescent.js";
import { benchAttentionRank } from "./attentionRank.js";
import { benchIntrinsicDimension } from "./intrinsicDimension.js";
import { benchLoraSpectra } from "./loraSpectra.js";
import { benchRobustRecovery } from "./robustRecovery.js";
import { benchMatrixCompletion } from "./matrixCompletion.js";
import { formatJson, formatTable, parseBenchArgs, type BenchArgs, type BenchName } from "./format.js";
import type { BenchRow } from "./row.js";

const benches: Record<BenchName, () => Promise<BenchRow[]>> = {
  "matrix-sensing": () => benchMatrixSensing(),
  svd: () => benchSvd(),
  "double-descent": () => benchDoubleDescent(),
  attention: () => benchAttentionRank(),
  "intrinsic-dimension": () => benchIntrinsicDimension(),
  spectra: () => benchLoraSpectra(),
  "robust-recovery": () => benchRobustRecovery(),
  "matrix-completion": () => benchMatrixCompletion(),
};

let args: BenchArgs;
try {
  args = parseBenchArgs(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`bench: ${(e as Error).message}\n`);
  process.exit(2);
}
const rows: BenchRow[] = [];
for (const name of args.only) rows.push(...(await benches[name]()));
process.stdout.write(formatTable(rows) + "\n");
if (args.json) process.stdout.write(formatJson(rows) + "\n");
