import { MR, NR, _onSharedMemory, _sharedKernels, _threads, type Kernels } from "./kernels.js";
import { Team } from "./team.js";

/**
 * linalg's product kernel on several threads: a team (team.ts) of workers on the kernels' shared
 * memory, started on the first panel large enough to split. A panel is split by whole MR-row
 * blocks or whole NR-column strips of C, so every entry of C is computed by the same instructions
 * in the same order whichever thread computes it: results are bit-identical for any thread count.
 */

/**
 * Below this many multiply-adds a panel runs on the calling thread alone. Waking a worker and
 * waiting for it measured 15–27 µs a round trip here (2 cores, busy); one thread does ~9 G
 * multiply-adds/s, so a 2^20 panel takes ~120 µs alone, and halving it saves twice the wake cost.
 */
const MIN_SPLIT = 1 << 20;

const FUNCTIONS = ["panel"] as const;
const PANEL = 0;

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
 * threads when it is large enough: by row blocks when C has at least as many rows as columns
 * (each thread then reads its own rows of A and all of B), else by column strips.
 */
export function _panel(K: Kernels, pA: number, lda: number, pB: number, pC: number, ldc: number, mp: number, ns: number, kc: number, bRow: number, bStrip: number): void {
  const T = _threads(), sk = T > 1 && mp * ns * NR * kc >= MIN_SPLIT ? _sharedKernels() : null;
  if (sk === null) return K.panel(pA, lda, pB, pC, ldc, mp, ns, kc, bRow, bStrip);
  team ??= new Team(sk.module, sk.memory, FUNCTIONS, T - 1);
  const byRows = mp >= ns * NR;
  team.split(PANEL, byRows ? mp / MR : ns, (u0, u1) => byRows
    ? [pA + u0 * MR * lda, lda, pB, pC + u0 * MR * ldc, ldc, (u1 - u0) * MR, ns, kc, bRow, bStrip]
    : [pA, lda, pB + u0 * bStrip, pC + u0 * 8 * NR, ldc, mp, u1 - u0, kc, bRow, bStrip],
  (a) => K.panel(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9]));
}

/** Workers started and ready, and calls shared with them so far (for tests). */
export function _poolStats(): { ready: number; shared: number } {
  return { ready: team?.idle().length ?? 0, shared: team?.shared ?? 0 };
}
