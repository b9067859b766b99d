/**
 * `npm run bench [-- --json] [--only svd,spectra] [--repeats N]`: lowrank-lab against numpy
 * (PyTorch for the attention heads and intrinsic-dimension training) doing the same work on the
 * same machine, in the same run, the reference timed twice: as installed (all its threads, what a
 * user gets) and on one thread. Prints ratios (ours / reference; below 1 means lowrank-lab is
 * faster), never bare times alone, since absolute times say more about the machine than about the
 * code. `--json` ends the output with one JSON line, `{machine: {cpus, model}, rows: [...]}`;
 * `--only` runs only the named benches; `--repeats` sets how many rounds each row gets (default
 * 3): each side runs at least once a round (short work more often, up to half a second of runs),
 * and the fastest run counts on both sides (`bestOf`, bench/timing.py). In every bench but
 * spectra and intrinsic dimension the sides take turns round by round (`takeTurns`).
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

// Each bench with `repeats` timed runs a side; intrinsic dimension times a mean over 20 steps instead.
const benches: Record<BenchName, (repeats: number) => Promise<BenchRow[]>> = {
  "matrix-sensing": (r) => benchMatrixSensing("paper", r),
  svd: (r) => benchSvd({ repeats: r }),
  "double-descent": (r) => benchDoubleDescent(500, r),
  attention: (r) => benchAttentionRank(undefined, r),
  "intrinsic-dimension": () => benchIntrinsicDimension(),
  spectra: (r) => benchLoraSpectra(768, r),
  "robust-recovery": (r) => benchRobustRecovery("paper", r),
  "matrix-completion": (r) => benchMatrixCompletion("paper", r),
};

let args: BenchArgs;
try {
  args = parseBenchArgs(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`bench: ${(e as Error).message}\n`);
  process.exit(2);
}
const rows: BenchRow[] = [];
for (const name of args.only) rows.push(...(await benches[name](args.repeats)));
process.stdout.write(formatTable(rows) + "\n");
if (args.json) process.stdout.write(formatJson(rows) + "\n");
