/** A sweep worker process (forked by pool.ts): runs the PointTasks it is sent, one at a time, and answers each. */
import { runPointTask, type PointOutcome, type PointTask } from "./point.js";

/** What a worker sends its parent: a point's progress while it runs, then its outcome. */
export type WorkerMessage =
  | { id: number; progress: [done: number, total: number, label?: string] }
  | { id: number; outcome: PointOutcome };

const send = (m: WorkerMessage) => process.send?.(m);

/** Progress of point `id`, sent when it moved by a percent or 250 ms passed, so IPC stays quiet. */
function progressOf(id: number) {
  let lastFrac = -1, lastAt = 0;
  return (done: number, total: number, label?: string) => {
    const frac = total > 0 ? done / total : 0, now = performance.now();
    if (frac < 1 && frac - lastFrac < 0.01 && now - lastAt < 250) return;
    lastFrac = frac;
    lastAt = now;
    send({ id, progress: [done, total, label] });
  };
}

process.on("message", (msg: { id: number; task: PointTask }) => {
  void runPointTask(msg.task, undefined, progressOf(msg.id)).then(
    (outcome) => send({ id: msg.id, outcome }),
    (e: unknown) => send({ id: msg.id, outcome: { ok: false, cached: false, durationMs: 0, error: e instanceof Error ? e.message : String(e) } }),
  );
});
process.on("disconnect", () => process.exit(0));
