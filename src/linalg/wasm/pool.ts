import { CLAIMS, KC_BLOCK, MR, NR, REFLECT_COLUMNS, _onSharedMemory, _setClaims, _sharedKernels, _threads, type Kernels } from "./kernels.js";
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

const FUNCTIONS = ["panels", "atv", "av", "auAtv", "reflect"] as const;
const [PANELS, ATV, AV, AU_ATV, REFLECT] = [0, 1, 2, 3, 4];

/**
 * Below this many entries of F a matrix-vector product runs on the calling thread alone: ~25 µs
 * of streaming at ~5 G entries/s, against a few µs to hand a polling worker its half.
 */
const MIN_SPLIT_MATVEC = 1 << 17;

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
 *
 * `meanwhile`, if given, runs on this thread before it claims its first chunk: work of the caller's
 * that touches none of the panel's operands (the next block's set-up, say) then overlaps the
 * workers' chunks instead of leaving them idle, and this thread simply claims fewer.
 */
export function _panel(K: Kernels, pA: number, lda: number, pB: number, pC: number, ldc: number, mp: number, ns: number, kc: number, bRow: number, bStrip: number, split = true, meanwhile?: () => void): void {
  const T = _threads(), sk = split && T > 1 && mp * ns * NR * kc >= MIN_SPLIT ? _sharedKernels() : null;
  if (sk === null) {
    meanwhile?.();
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
  team.run(jobs, () => {
    meanwhile?.();
    K.panels(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11]);
  });
}

/** The team, started now if it is not yet (null with one thread or no shared memory). */
function theTeam(): Team | null {
  const sk = _threads() > 1 ? _sharedKernels() : null;
  if (sk === null) return null;
  team ??= new Team(sk.module, sk.memory, FUNCTIONS, _threads() - 1);
  return team;
}

/**
 * Runs `work`, a burst of calls too short to pay a worker's wake-up each (the bidiagonalisation's
 * matrix-vector products, a few to a few hundred µs apart), with the team polling between calls
 * instead of sleeping; they sleep again afterwards, so an idle process burns no core.
 */
export function _burst<T>(work: () => T): T {
  const t = theTeam();
  if (t === null) return work();
  const before = t.spin(BURST_SPIN_US);
  try {
    return work();
  } finally {
    t.spin(before);
  }
}

/** How long the team polls during a burst: longer than the gaps between its calls. */
const BURST_SPIN_US = 2000;

/**
 * Aᵀv as two partial sums, over the first and the second half of the rows (split at a multiple of
 * four): K.atv on rows [0, h) into pout and on rows [h, rows) into pout2, both zeroed by the
 * caller, who adds them. Two halves on one thread or two, so the sums are the same for any thread
 * count; with a worker each thread reads the rows it also updates (`_av`, the trailing update).
 */
export function _atvHalves(K: Kernels, pF: number, ldf: number, rows: number, pv: number, pout: number, pout2: number, len: number): void {
  const h = 4 * Math.floor(rows / 8);
  const half = (g: number) => (g === 0 ? [pF, ldf, h, pv, pout, len] : [pF + h * ldf, ldf, rows - h, pv + 8 * h, pout2, len]);
  const t = rows * len >= MIN_SPLIT_MATVEC ? theTeam() : null;
  const run = (a: number[]) => K.atv(a[0], a[1], a[2], a[3], a[4], a[5]);
  if (t === null || t.idle().length === 0) {
    run(half(0));
    run(half(1));
    return;
  }
  // With more than one worker some shares are empty: a call on no rows.
  t.split(ATV, 2, (g0, g1) => (g1 > g0 ? half(g0) : [pF, ldf, 0, pv, pout, len]), run);
}

/** K.av(pF, ldf, rows, pu, px, len), its rows shared between the threads likewise. */
export function _av(K: Kernels, pF: number, ldf: number, rows: number, pu: number, px: number, len: number): void {
  const t = rows * len >= MIN_SPLIT_MATVEC ? theTeam() : null;
  if (t === null) return K.av(pF, ldf, rows, pu, px, len);
  // Shares of whole groups of four rows (the kernel's step).
  t.split(AV, rows / 4, (r0, r1) => [pF + 4 * r0 * ldf, ldf, 4 * (r1 - r0), pu, px + 32 * r0, len], (a) => K.av(a[0], a[1], a[2], a[3], a[4], a[5]));
}

/**
 * K.auAtv (see Kernels) on `rows` rows from pF, the per-row arrays (pre, corr, x, w) indexed from
 * the first row, with the Aᵀw sums split like _atvHalves: rows [0, h) add into pout and rows
 * [h, rows) into pout2, on one thread or two, so the sums are the same for any thread count.
 * `prepare(r0, r1)` writes pre and corr of rows [r0, r1) just before a thread needs them: the
 * worker's half first, then this thread's while the worker runs.
 */
export function _auAtvHalves(K: Kernels, pF: number, ldf: number, rows: number, pu: number, len: number, pPre: number, pCorr: number, pTau: number, px: number, pw: number, pout: number, pout2: number,
  prepare: (r0: number, r1: number) => void): void {
  const h = 4 * Math.floor(rows / 8);
  const half = (g: number) => {
    const [r0, n, out] = g === 0 ? [0, h, pout] : [h, rows - h, pout2];
    return [pF + r0 * ldf, ldf, n, pu, len, pPre + 8 * r0, pCorr + 8 * r0, pTau, px + 8 * r0, pw + 8 * r0, out];
  };
  const run = (a: number[]) => K.auAtv(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10]);
  const t = rows * len >= MIN_SPLIT_MATVEC ? theTeam() : null;
  const workers = t?.idle().length ?? 0;
  if (workers === 0) {
    prepare(0, rows);
    run(half(0));
    run(half(1));
    return;
  }
  // With one worker this thread takes the first half; with more, it has none (a call on no rows).
  prepare(workers === 1 ? h : 0, rows);
  const own = (a: number[]) => {
    if (workers === 1) prepare(0, h);
    run(a);
  };
  t!.split(AU_ATV, 2, (g0, g1) => (g1 > g0 ? half(g0) : [pF, ldf, 0, pu, len, pPre, pCorr, pTau, px, pw, pout]), own);
}

/**
 * K.reflect (see Kernels) on `chunks` chunks of columns, claimed by this thread from the first and
 * by the workers from the last; thread t uses the scratch at pW + t·scratch (bytes). `meanwhile`
 * runs on this thread before it claims (see _panel). Below MIN_SPLIT multiply-adds in the block's
 * two large products it all runs here, as a panel would.
 */
export function _reflect(K: Kernels, pYt: number, pY: number, pT: number, pX: number, ldx: number, len: number, b: number, chunks: number, pW: number, scratch: number, meanwhile?: () => void): void {
  _setClaims(0, chunks);
  const t = chunks > 1 && 2 * len * b * chunks * REFLECT_COLUMNS >= MIN_SPLIT ? theTeam() : null;
  const own = () => {
    meanwhile?.();
    K.reflect(pYt, pY, pT, pX, ldx, len, b, pW, CLAIMS, 0);
  };
  if (t === null) return own();
  const jobs: Job[] = [];
  t.idle().forEach((w, i) => (jobs[w] = [REFLECT, [pYt, pY, pT, pX, ldx, len, b, pW + (i + 1) * scratch, CLAIMS, 1]]));
  t.run(jobs, own);
}

/** Workers started and ready, and calls shared with them so far (for tests). */
export function _poolStats(): { ready: number; shared: number } {
  return { ready: team?.idle().length ?? 0, shared: team?.shared ?? 0 };
}
