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

interface Row {
  name: string;
  oursMs: number;
  numpyMs?: number;
  ratio?: number;
}

function print(rows: Row[]): void {
  const fmt = (x: number | undefined) => (x === undefined ? "—" : x.toFixed(1));
  process.stdout.write(`${"benchmark".padEnd(36)}${"ours ms".padStart(12)}${"numpy ms".padStart(12)}${"ours/numpy".padStart(12)}\n`);
  for (const r of rows) {
    process.stdout.write(`${r.name.padEnd(36)}${fmt(r.oursMs).padStart(12)}${fmt(r.numpyMs).padStart(12)}${(r.ratio === undefined ? "—" : r.ratio.toFixed(2) + "×").padStart(12)}\n`);
  }
}

const rows: Row[] = [...(await benchMatrixSensing()), ...(await benchSvd()), ...(await benchDoubleDescent()), ...(await benchAttentionRank()), ...(await benchIntrinsicDimension()), ...(await benchLoraSpectra())];
print(rows);
