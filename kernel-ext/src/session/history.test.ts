import { describe, expect, it } from "vitest";
import { globToRegExp, History } from "./history.js";

function filled(): History {
  const h = new History();
  ["const a = 1", "a + 1", "console.log(a)", "a + 1"].forEach((code, i) => h.add(i + 1, code));
  h.setOutput(2, "2");
  h.setOutput(4, "2");
  return h;
}

describe("History", () => {
  it("gives the last n entries for tail, with outputs when asked", () => {
    expect(filled().query({ hist_access_type: "tail", n: 2, output: false })).toEqual([
      [1, 3, "console.log(a)"],
      [1, 4, "a + 1"],
    ]);
    expect(filled().query({ hist_access_type: "tail", n: 1, output: true })).toEqual([[1, 4, ["a + 1", "2"]]]);
  });

  it("gives lines start <= line < stop of the session for range", () => {
    expect(filled().query({ hist_access_type: "range", session: 1, start: 2, stop: 4 }).map((r) => r[1])).toEqual([2, 3]);
    expect(filled().query({ hist_access_type: "range", session: 0, start: 3 }).map((r) => r[1])).toEqual([3, 4]);
    expect(filled().query({ hist_access_type: "range", session: 7, start: 1 })).toEqual([]);
  });

  it("matches search patterns as anchored globs, keeping the last n and one per input when unique", () => {
    const h = filled();
    expect(h.query({ hist_access_type: "search", pattern: "a*" }).map((r) => r[1])).toEqual([2, 4]);
    expect(h.query({ hist_access_type: "search", pattern: "*a*", n: 2 }).map((r) => r[1])).toEqual([3, 4]);
    expect(h.query({ hist_access_type: "search", pattern: "*a*", unique: true }).map((r) => r[2])).toEqual(["const a = 1", "console.log(a)", "a + 1"]);
  });

  it("rejects an unknown access type, naming the allowed ones", () => {
    expect(() => filled().query({ hist_access_type: "all" })).toThrow(/tail, range, search/);
  });
});

describe("globToRegExp", () => {
  it("translates *, ? and character classes and escapes the rest", () => {
    expect(globToRegExp("a?c").test("abc")).toBe(true);
    expect(globToRegExp("a?c").test("abbc")).toBe(false);
    expect(globToRegExp("[xy]+1").test("y+1")).toBe(true);
    expect(globToRegExp("[^xy]1").test("x1")).toBe(false);
    expect(globToRegExp("1 + 2*").test("1 + 2 + 3")).toBe(true);
    expect(globToRegExp("(a).b").test("(a)xb")).toBe(false);
  });
});
