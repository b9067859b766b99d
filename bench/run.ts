/**
 * `npm run bench`: lowrank-lab against numpy (PyTorch for the attention heads) doing the same
 * work on the same machine, in the same run. Prints ratios (ours / numpy; below 1 means
 * lowrank-lab is faster), never bare times alone, since absolute times say more about the
 * machine than about the code.
 */
import { benchMatrixSensing } from "./matrixSensing.js";
import { benchSvd } from "./svd.js";
import { benchDoubleDescent } from "./doubleDescent.js";
import { benchAttentionRank } from "./attentionRank.js";
import { benchIntrinsicDimension } from "./intrinsicDimension.js";
import { benchLoraSpectra } from "./loraSpectra.js";
import { benchRobustRecovery } from "./robustRecovery.js";
import { benchMatrixCompletion } from "./matrixCompletion.js";
import type { BenchRow } from "./row.js";

function print(rows: BenchRow[]): void {
  const fmt = (x: number | undefined) => (x === undefined ? "—" : x.toFixed(1));
  const head = ["ours ms", "ref ms", "ours CPU", "ref CPU", "ours/ref"];
  process.stdout.write(`${"benchmark".padEnd(44)}${head.map((h) => h.padStart(11)).join("")}\n`);
  for (const r of rows) {
    const cells = [fmt(r.oursMs), fmt(r.numpyMs), fmt(r.oursCpuMs), fmt(r.numpyCpuMs), r.ratio === undefined ? "—" : r.ratio.toFixed(2) + "×"];
    process.stdout.write(`${r.name.padEnd(44)}${cells.map((c) => c.padStart(11)).join("")}\n`);
  }
}

const rows: BenchRow[] = [...(await benchMatrixSensing()), ...(await benchSvd()), ...(await benchDoubleDescent()), ...(await benchAttentionRank()), ...(await benchIntrinsicDimension()), ...(await benchLoraSpectra()), ...(await benchRobustRecovery()), ...(await benchMatrixCompletion())];
print(rows);
