/**
 * The commands of `lowrank-lab`, as a table from name to handler (the CLI contract is in
 * docs/architecture.md). Each handler returns the process exit code. A command's module is
 * loaded when it runs, so `--help` and refusals of bad input do not wait for the experiments
 * and the compute libraries to load.
 */
import { packageVersion } from "../compute/packageInfo.js";

export const usage = `lowrank-lab ${packageVersion}: reproduce papers about low-rank structure in machine learning

Usage:
  lowrank-lab list [--json]                       the experiments, their params and presets
  lowrank-lab run NAME [--preset P] [--set key=value]... [--seed N] [--out DIR] [--json]
  lowrank-lab reproduce [NAME...] [--out DIR] [--preset P] [--jobs N] [--strict]
                                                  every experiment's 'paper' preset (or P), report.html, summary.json;
                                                  --jobs N runs N experiments at once (default: one per core);
                                                  --strict exits 1 when a claim does not hold
  lowrank-lab seeds NAME [--preset P] [--from N] [--count N] [--set key=value]... [--json]
                                                  on how many consecutive seeds each claim holds
  lowrank-lab spectra BASE TUNED_OR_ADAPTER [--layers REGEX] [--k N] [--epsilon E] [--json] [--out DIR]
                                                  intruder dimensions of a real fine-tune (safetensors, PEFT adapters)
  lowrank-lab sweep NAME --grid key=v1,v2|a..b|a..b:log:N... [--preset P] [--set key=value]... [--cache DIR]
                  [--out DIR] [--jobs N] [--yes] [--json] [--executor slurm [--partition P] [--time HH:MM:SS]
                  [--max-parallel K] [--sbatch-arg ARG]... [--wait]] [--merge-only]
                                                  a parameter grid on every core or as a Slurm job array
  lowrank-lab doctor [--json]                     which compute backend runs, and why the others do not
  lowrank-lab kernel install [--user | --sys-prefix | --prefix DIR]
                                                  install the Jupyter kernel 'lowrank-lab'
Environment: LOWRANK_BACKEND=tensorflow-gpu|webgpu|tensorflow|wasm|cpu forces a backend;
  LOWRANK_WEBGPU_ADAPTER=software lets webgpu run on a software Vulkan driver (SwiftShader, lavapipe);
  LOWRANK_THREADS=N threads for the kernels (default: one per core; a worker process of
  sweep or reproduce gets its share of the cores).
`;

type Handler = (argv: string[]) => number | Promise<number>;

/** A handler exported as `name` by a module loaded on first use. */
const lazy = <K extends string>(load: () => Promise<Record<K, Handler>>, name: K): Handler => async (argv) => (await load())[name](argv);

const experimentCommands = () => import("./experimentCommands.js");

export const commands: Record<string, Handler> = {
  list: lazy(experimentCommands, "listCommand"),
  run: lazy(() => import("./runCommand.js"), "runCommand"),
  reproduce: lazy(experimentCommands, "reproduceCommand"),
  seeds: lazy(() => import("./seedsCommand.js"), "seedsCommand"),
  spectra: lazy(() => import("./spectraCommand.js"), "spectraCommand"),
  sweep: lazy(() => import("./sweepCommand.js"), "sweepCommand"),
  "sweep-point": lazy(() => import("./sweepCommand.js"), "sweepPointCommand"),
  doctor: lazy(experimentCommands, "doctorCommand"),
  kernel: lazy(() => import("./kernel.js"), "installKernelCommand"),
};
