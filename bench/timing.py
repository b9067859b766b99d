"""Best-of-N timing for the reference scripts of bench/, the same rule as bench/row.ts `bestOf`:
the work runs at least `repeats` times, and short work more often, until its runs add up to
MIN_TOTAL_S (at most MAX_RUNS runs); the fastest wall time and the fastest CPU time count (each
its own minimum). Noise on a shared machine only ever adds time, so the minimum is the steadiest
estimate of what the code costs; both sides of every bench row are timed this way.
"""
import time

MIN_TOTAL_S = 0.5
MAX_RUNS = 30


def best_of(repeats, work):
    """(work()'s last result, best wall ms, best CPU ms) over the runs described above."""
    best = best_cpu = float("inf")
    result = None
    runs, total = 0, 0.0
    while runs < max(1, int(repeats)) or (total < MIN_TOTAL_S and runs < MAX_RUNS):
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        took = time.perf_counter() - wall
        best = min(best, took)
        best_cpu = min(best_cpu, time.process_time() - cpu)
        runs, total = runs + 1, total + took
    return result, best * 1e3, best_cpu * 1e3
