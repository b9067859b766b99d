/**
 * robust-recovery `paper` preset: our float64 SubGM / GD loop against numpy doing the same work
 * (bench/robust_recovery_numpy.py: same sizes, variants, T, recording stride, step rules and
 * power iteration for ‖Q_t‖₂), in the same run. numpy runs single-threaded
 * (OPENBLAS/OMP/MKL_NUM_THREADS=1) because our loop is: the ratio then compares code, not core
 * counts. Run directly: `npx tsx bench/robustRecovery.ts [preset]`.
 */
import { pathToFileURL } from "node:url";
import { createRunContext } from "../src/experiments/context.js";
import { resolveParams } from "../src/experiments/schema.js";
import { robustRecovery } from "../src/experiments/robust-recovery/index.js";
import type { RobustRecoveryParams } from "../src/experiments/robust-recovery/params.js";
import { variantsFor } from "../src/experiments/robust-recovery/run.js";
import { runPythonJson } from "./python.js";
import type { BenchRow } from "./row.js";

/** numpy's wall and CPU ms for the same work, or undefined (with a note on stderr) when python3/numpy is missing. */
function timeNumpy(p: RobustRecoveryParams, seed: number): { ms: number; cpuMs: number; variants: number } | undefined {
  return runPythonJson<{ ms: number; cpuMs: number; variants: number }>("robust-recovery bench", "robust_recovery_numpy.py", { ...p, seed });
}

export async function benchRobustRecovery(preset = "paper"): Promise<BenchRow[]> {
  const p = resolveParams<RobustRecoveryParams>(robustRecovery.name, robustRecovery.params, robustRecovery.presets[preset]);
  const seed = 0;
  const start = performance.now(), cpu = process.cpuUsage();
  await robustRecovery.run(p, createRunContext({ seed }));
  const oursMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const oursCpuMs = (used.user + used.system) / 1000;
  const variants = variantsFor(p).length;
  const name = `robust-recovery ${preset} (${variants}×${p.T} SubGM/GD steps)`;
  const numpy = timeNumpy(p, seed);
  if (numpy && numpy.variants !== variants) throw new Error(`robust-recovery bench: numpy ran ${numpy.variants} variants, ours ${variants}`);
  if (!numpy) return [{ name, oursMs, oursCpuMs }];
  return [{ name, oursMs, numpyMs: numpy.ms, ratio: oursMs / numpy.ms, oursCpuMs, numpyCpuMs: numpy.cpuMs }];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const preset = process.argv[2] ?? "paper";
  process.stdout.write(JSON.stringify(await benchRobustRecovery(preset), null, 2) + "\n");
}
