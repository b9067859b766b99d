/** One line of `npm run bench`: our time beside the reference's (numpy or PyTorch) for the same work. */
export interface BenchRow {
  name: string;
  /** Wall-clock ms (per run or per step, as the name says). */
  oursMs: number;
  /** The reference's wall-clock ms; absent when its Python package is missing. */
  numpyMs?: number;
  /** ours / reference (below 1 means lowrank-lab is faster); each bench says whether of wall or CPU time. */
  ratio?: number;
  /** CPU ms of the same runs: steadier than wall time on a machine shared with other work. */
  oursCpuMs?: number;
  numpyCpuMs?: number;
}
