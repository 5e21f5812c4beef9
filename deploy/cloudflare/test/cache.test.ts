import { describe, expect, it } from "vitest";
import { isFinalResults, resultsKey } from "../src/cache";

describe("resultsKey", () => {
  it("is the same for the same query in any order, without ?key=", () => {
    const a = resultsKey("t1", new URLSearchParams("page=2&page_size=5&key=secret"));
    const b = resultsKey("t1", new URLSearchParams("page_size=5&page=2"));
    expect(a).toBe(b);
    expect(a).toBe("results:t1:page=2&page_size=5");
    expect(a).not.toContain("secret");
  });
  it("differs per task and per page", () => {
    expect(resultsKey("t1", new URLSearchParams("page=1"))).not.toBe(resultsKey("t2", new URLSearchParams("page=1")));
    expect(resultsKey("t1", new URLSearchParams("page=1"))).not.toBe(resultsKey("t1", new URLSearchParams("page=2")));
  });
});

describe("isFinalResults", () => {
  it("keeps only finished tasks' pages", () => {
    expect(isFinalResults({ status: "completed" })).toBe(true);
    expect(isFinalResults({ status: "partial" })).toBe(true);
    for (const status of ["pending", "running", "cancelled", "failed"]) {
      expect(isFinalResults({ status })).toBe(false);
    }
    expect(isFinalResults(null)).toBe(false);
    expect(isFinalResults([])).toBe(false);
  });
});
