import { CLAIMS, KC_BLOCK, MR, NR, _onSharedMemory, _setClaims, _sharedKernels, _threads, type Kernels } from "./kernels.js";
import { Team, type Job } from "./team.js";

/**
 * linalg's product kernel on several threads: a team (team.ts) of workers on the kernels' shared
 * memory, started on the first panel large enough to split. A panel is split into chunks of whole
 * MR-row blocks or whole NR-column strips of C, which the threads claim one at a time (`panels`
 * in kernels.ts), so every entry of C is computed by the same instructions in the same order
 * whichever thread computes it: results are bit-identical for any thread count.
 *
 * Claimed chunks rather than one fixed share per thread, because the shares did not take equal
 * time: a worker's ran 1.5–2× longer than this thread's on the SVD's merge and back-transformation
 * products (its core shared with other processes, or its operands in this core's cache), and this
 * thread waited. svd 1024², in alternating calls in one process against the code before: 0.89×
 * its time with claimed chunks, 0.97× with fixed halves (the rest of the code the same).
 */

/**
 * Below this many multiply-adds a panel runs on the calling thread alone. Waking a worker and
 * waiting for it measured 15–27 µs a round trip here (2 cores, busy); one thread does ~9 G
 * multiply-adds/s, so a 2^20 panel takes ~120 µs alone, and halving it saves twice the wake cost.
 */
const MIN_SPLIT = 1 << 20;

/**
 * Multiply-adds per chunk of a split panel (see `panels` in kernels.ts): ~30 µs of work, so a
 * claim (one compare-exchange) costs nothing beside it, while a panel still makes enough chunks
 * for the faster thread to take up the slower one's slack.
 */
const CHUNK = 1 << 18;
const MAX_CHUNKS = 64;

const FUNCTIONS = ["panels"] as const;
const PANELS = 0;

let team: Team | undefined;

// kernels.ts replaces a memory that grew large once it is idle. Workers on the old one are
// retired rather than rebound: an idle worker's isolate never collects garbage, so it would keep
// the old memory alive. A fresh team starts on the next large call.
_onSharedMemory(() => {
  team?.terminate();
  team = undefined;
});

/**
 * K.panel(pA, lda, pB, pC, ldc, mp, ns, kc, bRow, bStrip) (see Kernels), split across the
 * threads when it is large enough and `split`: into chunks of rows when C has at least as many
 * rows as columns (each thread then reads its own rows of A and all of B), else of column strips.
 * This thread claims chunks from the top or left of C, workers from the bottom or right.
 * A kc above KC_BLOCK is for B read in place (row p at pB + p·bRow) and runs in blocks of
 * KC_BLOCK rows (see `panels`), with one split for all of them.
 */
export function _panel(K: Kernels, pA: number, lda: number, pB: number, pC: number, ldc: number, mp: number, ns: number, kc: number, bRow: number, bStrip: number, split = true): void {
  const T = _threads(), sk = split && T > 1 && mp * ns * NR * kc >= MIN_SPLIT ? _sharedKernels() : null;
  if (sk === null) {
    for (let p0 = 0; p0 < kc; p0 += KC_BLOCK) K.panel(pA + 8 * p0, lda, pB + p0 * bRow, pC, ldc, mp, ns, Math.min(KC_BLOCK, kc - p0), bRow, bStrip);
    return;
  }
  team ??= new Team(sk.module, sk.memory, FUNCTIONS, T - 1);
  const byRows = mp >= ns * NR;
  const units = byRows ? mp : ns; // rows, or strips of NR columns
  const chunks = Math.max(2, Math.min(MAX_CHUNKS, Math.floor((mp * ns * NR * kc) / CHUNK)));
  let chunk = Math.ceil(units / chunks);
  if (byRows) chunk = Math.ceil(chunk / MR) * MR;
  _setClaims(0, Math.ceil(units / chunk));
  const args = (fromEnd: number) => [pA, lda, pB, pC, ldc, mp, ns, kc, bRow, bStrip, CLAIMS, (chunk << 2) | (fromEnd << 1) | (byRows ? 1 : 0)];
  // Every thread gets the whole panel and claims chunks until none is left: this one from the
  // first, the workers from the last, so each mostly keeps to its own end of C.
  const jobs: Job[] = [];
  for (const w of team.idle()) jobs[w] = [PANELS, args(1)];
  const a = args(0);
  team.run(jobs, () => K.panels(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11]));
}

/** Workers started and ready, and calls shared with them so far (for tests). */
export function _poolStats(): { ready: number; shared: number } {
  return { ready: team?.idle().length ?? 0, shared: team?.shared ?? 0 };
}
