/** A sweep worker process (forked by pool.ts): runs the PointTasks it is sent, one at a time, and answers each. */
import { runPointTask, type PointTask } from "./point.js";

process.on("message", (msg: { id: number; task: PointTask }) => {
  void runPointTask(msg.task).then(
    (outcome) => process.send?.({ id: msg.id, outcome }),
    (e: unknown) => process.send?.({ id: msg.id, outcome: { ok: false, cached: false, durationMs: 0, error: e instanceof Error ? e.message : String(e) } }),
  );
});
process.on("disconnect", () => process.exit(0));
