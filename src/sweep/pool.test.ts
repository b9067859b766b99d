import { describe, expect, it } from "vitest";
import { workerEnv } from "./pool.js";

describe("worker processes' threads", () => {
  it("give each worker its share of the cores, at least one", () => {
    expect(workerEnv(2, {}, 8).LOWRANK_THREADS).toBe("4");
    expect(workerEnv(2, {}, 2).LOWRANK_THREADS).toBe("1");
    expect(workerEnv(4, {}, 2).LOWRANK_THREADS).toBe("1");
    expect(workerEnv(1, {}, 2).LOWRANK_THREADS).toBe("2");
  });

  it("leave a thread count the user set as it is", () => {
    expect(workerEnv(2, { LOWRANK_THREADS: "3" }, 8).LOWRANK_THREADS).toBe("3");
  });
});
