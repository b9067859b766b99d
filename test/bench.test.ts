/**
 * `npm run bench -- --json`: the shape of its last line and the argument parsing, on made-up rows
 * (the benches themselves take minutes and are not run here).
 */
import { describe, expect, it } from "vitest";
import { benchNames, formatJson, formatTable, machineInfo, parseBenchArgs } from "../bench/format.js";
import { interleaved, takeTurns } from "../bench/python.js";
import { benchRow, bestOf, fasterOf } from "../bench/row.js";

const rows = [
  benchRow("fake full", { ms: 30, cpuMs: 32 }, { ms: 10, cpuMs: 18 }, { ms: 15, cpuMs: 16 }),
  benchRow("fake no reference", { ms: 7 }),
];

describe("bench output", () => {
  it("computes both ratios from the same row's times", () => {
    expect(rows[0].ratio).toBeCloseTo(3);
    expect(rows[0].ratioOneThread).toBeCloseTo(2);
    expect(rows[0].ratioOneThreadCpu).toBeCloseTo(2);
    expect(rows[1].ratio).toBeUndefined();
  });

  it("prints one JSON line with the machine and every row's ratios", () => {
    const line = formatJson(rows, { cpus: 2, model: "Test CPU" });
    expect(line).not.toContain("\n");
    const out = JSON.parse(line);
    expect(out.machine).toEqual({ cpus: 2, model: "Test CPU" });
    expect(out.rows).toHaveLength(2);
    for (const row of out.rows) {
      for (const key of ["name", "oursMs", "refMs", "ratio", "refOneThreadMs", "ratioOneThread"]) expect(row).toHaveProperty(key);
    }
    const [full, bare] = out.rows;
    expect(full).toMatchObject({ name: "fake full", oursMs: 30, refMs: 10, refOneThreadMs: 15, oursCpuMs: 32, refCpuMs: 18 });
    expect(full.ratio).toBeCloseTo(full.oursMs / full.refMs);
    expect(full.ratioOneThread).toBeCloseTo(full.oursMs / full.refOneThreadMs);
    expect(bare).toMatchObject({ name: "fake no reference", oursMs: 7, refMs: null, ratio: null, refOneThreadMs: null, ratioOneThread: null });
  });

  it("describes this machine", () => {
    const m = machineInfo();
    expect(Number.isInteger(m.cpus) && m.cpus >= 1).toBe(true);
    expect(typeof m.model).toBe("string");
  });

  it("keeps the readable table, with both ratio columns", () => {
    const lines = formatTable(rows).split("\n");
    expect(lines[0]).toMatch(/ours\/ref\s+ours\/ref 1T/);
    expect(lines[1]).toMatch(/3\.00×\s+2\.00×/);
    expect(lines[2]).toContain("—");
  });

  it("parses --json and --only", () => {
    expect(parseBenchArgs([])).toEqual({ json: false, repeats: 3, only: [...benchNames] });
    expect(parseBenchArgs(["--json", "--only", "svd"])).toEqual({ json: true, repeats: 3, only: ["svd"] });
    expect(parseBenchArgs(["--only=spectra,svd"]).only).toEqual(["svd", "spectra"]);
    expect(() => parseBenchArgs(["--only", "nope"])).toThrow(/unknown bench nope/);
    expect(() => parseBenchArgs(["--fast"])).toThrow(/unknown argument/);
  });

  it("parses --repeats, and refuses anything but a whole number from 1 to 20", () => {
    expect(parseBenchArgs(["--repeats", "5"]).repeats).toBe(5);
    expect(parseBenchArgs(["--repeats=1"]).repeats).toBe(1);
    for (const bad of ["0", "2.5", "many", "21"]) expect(() => parseBenchArgs(["--repeats", bad])).toThrow(/--repeats takes a whole number from 1 to 20/);
    expect(() => parseBenchArgs(["--repeats"])).toThrow(/not nothing/);
  });

  it("takes the best wall and the best CPU time of the repeats, repeating short work up to half a second", async () => {
    const waits = [120, 10, 80, 200, 200, 200];
    let calls = 0;
    const t = await bestOf(3, () => new Promise((done) => setTimeout(done, waits[calls++])));
    expect(calls).toBe(5); // three, then two more to pass 500 ms in all
    expect(t.ms).toBeGreaterThanOrEqual(9);
    expect(t.ms).toBeLessThan(70); // the 10 ms call, not the 120 or 80 ms ones
    expect(t.cpuMs).toBeGreaterThanOrEqual(0);
    let quick = 0;
    await bestOf(3, () => quick++);
    expect(quick).toBe(30); // never past 30 runs
  });

  it("takes turns round by round, each side's fastest time counting, and stops asking a missing reference", async () => {
    const mine = [{ ms: 5, cpuMs: 9 }, { ms: 3, cpuMs: 12 }, { ms: 4, cpuMs: 2 }];
    const theirs = [{ ms: 8, cpuMs: 8 }, { ms: 6, cpuMs: 10 }, { ms: 7, cpuMs: 7 }];
    const order: string[] = [];
    let r = 0, s = 0;
    const turns = await takeTurns(3, async () => (order.push("ours"), mine[r++]), () => (order.push("ref"), { installed: theirs[s], oneThread: theirs[s++] }), fasterOf, fasterOf);
    expect(order).toEqual(["ours", "ref", "ours", "ref", "ours", "ref"]);
    expect(turns.ours).toEqual({ ms: 3, cpuMs: 2 });
    expect(turns.installed).toEqual({ ms: 6, cpuMs: 7 });
    let asked = 0;
    const none = await takeTurns(3, async () => mine[0], () => (asked++, {}), fasterOf, fasterOf);
    expect(asked).toBe(1);
    expect(none.installed).toBeUndefined();
  });

  it("times ours after an untimed call each round when the reference warms up likewise", async () => {
    // The first call of a round is slow (as the first after the other side's run can be): with
    // `warmUp` it is not timed; without, it is the round's only run (it alone passes 0.5 s).
    const slowFirst = () => {
      let calls = 0;
      return () => {
        const until = performance.now() + (calls++ === 0 ? 600 : 1);
        while (performance.now() < until);
      };
    };
    const warm = await interleaved(1, slowFirst(), "bench test", "no_such_reference.py", {}, true);
    const cold = await interleaved(1, slowFirst(), "bench test", "no_such_reference.py", {});
    expect(warm.ours.ms).toBeLessThan(100);
    expect(cold.ours.ms).toBeGreaterThanOrEqual(600);
    expect(warm.installed).toBeUndefined(); // no such script: the reference is skipped
  });
});
