"""Best-of-N timing for the reference scripts of bench/, the same rule as bench/row.ts `bestOf`:
the work runs `repeats` times and the fastest wall time and the fastest CPU time count (each its own
minimum). Noise on a shared machine only ever adds time, so the minimum is the steadiest estimate
of what the code costs; both sides of every bench row are timed this way.
"""
import time


def best_of(repeats, work):
    """(work()'s last result, best wall ms, best CPU ms) over max(1, repeats) calls of work()."""
    best = best_cpu = float("inf")
    result = None
    for _ in range(max(1, int(repeats))):
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        best = min(best, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return result, best * 1e3, best_cpu * 1e3
