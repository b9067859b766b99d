/**
 * robust-recovery `paper` preset: our float64 SubGM / GD loop against numpy doing the same steps
 * (bench/robust_recovery_numpy.py: same sizes, variants, T, recording stride, step rules and
 * power iteration for ‖Q_t‖₂). Ours folds each A_i onto its upper triangle (operator.ts: the
 * iterates are symmetric and only sym(S) is read), half the multiply-adds of numpy's products
 * with the whole A, which is how one writes it in numpy. In the same run, numpy twice: as
 * installed (all its BLAS threads, `ratio`) and on one thread (OPENBLAS/OMP/MKL_NUM_THREADS=1,
 * `ratioOneThread`, code against code). Each side's time is the best of `repeats` whole runs, the
 * sides taking turns (`interleaved`). Run directly: `node dist/bench/robustRecovery.js [preset]`.
 */
import { pathToFileURL } from "node:url";
import { createRunContext } from "../src/experiments/context.js";
import { resolveParams } from "../src/experiments/schema.js";
import { robustRecovery } from "../src/experiments/robust-recovery/index.js";
import type { RobustRecoveryParams } from "../src/experiments/robust-recovery/params.js";
import { variantsFor } from "../src/experiments/robust-recovery/run.js";
import { interleaved } from "./python.js";
import { benchRow, type BenchRow, type Timing } from "./row.js";

export async function benchRobustRecovery(preset = "paper", repeats = 3): Promise<BenchRow[]> {
  const p = resolveParams<RobustRecoveryParams>(robustRecovery.name, robustRecovery.params, robustRecovery.presets[preset]);
  const seed = 0;
  const work = () => robustRecovery.run(p, createRunContext({ seed }));
  const variants = variantsFor(p).length;
  const name = `robust-recovery ${preset} (${variants}×${p.T} SubGM/GD steps)`;
  // numpy's wall and CPU ms for the same work; absent (with a note on stderr) when python3/numpy is missing.
  const { ours, ...numpy } = await interleaved<Timing & { variants: number }>(repeats, work, "robust-recovery bench", "robust_recovery_numpy.py", { ...p, seed });
  for (const run of [numpy.installed, numpy.oneThread]) {
    if (run && run.variants !== variants) throw new Error(`robust-recovery bench: numpy ran ${run.variants} variants, ours ${variants}`);
  }
  return [benchRow(name, ours, numpy.installed, numpy.oneThread)];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const preset = process.argv[2] ?? "paper";
  process.stdout.write(JSON.stringify(await benchRobustRecovery(preset), null, 2) + "\n");
}
