import { afterEach, describe, expect, it, vi } from "vitest";
import { installFakeBridge, uninstallBridge } from "../../test/widgets/fakeBridge.js";
import { formatDuration, progress, progressFn, progressText } from "./progress.js";

describe("progress in the kernel", () => {
  afterEach(uninstallBridge);

  it("updates one display entry in place and ends as a final line", () => {
    const bridge = installFakeBridge();
    const bar = progress(10, { label: "train", throttleMs: 0 });
    for (let i = 0; i < 10; i++) bar.tick(1, `step ${i}`);
    const ids = new Set(bridge.displays.map((d) => d.options?.displayId));
    expect(ids.size).toBe(1);
    expect(bridge.displays[0].options?.update).toBe(false);
    expect(bridge.displays.slice(1).every((d) => d.options?.update === true)).toBe(true);
    expect(bridge.displays).toHaveLength(11); // the empty bar, 9 frames, the final line
    const last = bridge.displays.at(-1)!.bundle;
    expect(last["text/plain"]).toMatch(/^✓ train: 10\/10 in \d+\.\d s/);
    expect(String(bridge.displays[5].bundle["text/html"])).toContain("width:50.0%");
    expect(bar.finished).toBe(true);
  });

  it("throttles redraws but always draws the final state", () => {
    const bridge = installFakeBridge();
    const bar = progress(1000, { label: "fast", throttleMs: 10_000 });
    for (let i = 0; i < 1000; i++) bar.tick();
    expect(bridge.displays).toHaveLength(2);
    expect(bridge.displays[1].bundle["text/plain"]).toMatch(/fast: 1000\/1000/);
  });

  it("adapts the runner's (done, total, label) reports into one bar", () => {
    const bridge = installFakeBridge();
    const report = progressFn({ label: "matrix-sensing", throttleMs: 0 });
    for (let t = 1; t <= 5; t++) report(t, 5, `step ${t}`);
    expect(new Set(bridge.displays.map((d) => d.options?.displayId)).size).toBe(1);
    expect(bridge.displays.at(-1)!.bundle["text/plain"]).toMatch(/matrix-sensing: 5\/5/);
  });
});

describe("progress outside the kernel", () => {
  it("writes the final line to stderr", () => {
    const write = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      const bar = progress(3, { label: "sweep" });
      bar.tick();
      bar.tick();
      bar.tick();
      const text = write.mock.calls.map((c) => String(c[0])).join("");
      expect(text).toMatch(/sweep: 3\/3 in \d/);
      expect(text.trimEnd().split("\n")).toHaveLength(1);
    } finally {
      write.mockRestore();
    }
  });
});

describe("progress text", () => {
  it("states count, rate, ETA and what is in flight", () => {
    expect(progressText({ label: "sweep", done: 3, total: 12, elapsedMs: 6000, finished: false, detail: "k=4" })).toBe("sweep 3/12 · 2.0 s each · ETA 18 s · k=4");
    expect(progressText({ label: "train", done: 500, total: 1000, elapsedMs: 2000, finished: false })).toBe("train 500/1000 · 250/s · ETA 2.0 s");
    expect(progressText({ label: "train", done: 1000, total: 1000, elapsedMs: 4000, finished: true })).toBe("train: 1000/1000 in 4.0 s (250/s)");
  });

  it("formats long durations in minutes and hours", () => {
    expect(formatDuration(83_000)).toBe("1 min 23 s");
    expect(formatDuration(3_723_000)).toBe("1 h 02 min");
  });
});
