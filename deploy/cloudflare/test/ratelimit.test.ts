import { describe, expect, it } from "vitest";
import { type Env, numberVar } from "../src/config";
import { Lockouts, MemoryLimiter, expandIPv6, ipBucket, retryAfterSeconds } from "../src/ratelimit";

describe("MemoryLimiter", () => {
  it("allows `max` per window and starts over in the next one", async () => {
    let now = 0;
    const limiter = new MemoryLimiter(2, 60, () => now);
    const tries = async () => (await limiter.limit({ key: "k" })).success;
    expect([await tries(), await tries(), await tries()]).toEqual([true, true, false]);
    expect((await limiter.limit({ key: "other" })).success).toBe(true);
    now = 60_000;
    expect(await tries()).toBe(true);
  });
});

describe("addresses", () => {
  it("expands IPv6 and buckets it by /64", () => {
    expect(expandIPv6("2001:db8::1")).toEqual(["2001", "0db8", "0000", "0000", "0000", "0000", "0000", "0001"]);
    expect(expandIPv6("1.2.3.4")).toBeNull();
    expect(expandIPv6("1::2::3")).toBeNull();
    expect(ipBucket("2001:db8:1:2:aaaa::1")).toBe("2001:0db8:0001:0002::/64");
    expect(ipBucket("2001:db8:1:2:bbbb::9")).toBe(ipBucket("2001:db8:1:2:aaaa::1"));
    expect(ipBucket(" 203.0.113.5 ")).toBe("203.0.113.5");
    expect(ipBucket("")).toBe("unknown");
  });
  it("rounds Retry-After up, at least 1 s", () => {
    expect(retryAfterSeconds(10_500, 10_000)).toBe(1);
    expect(retryAfterSeconds(12_001, 10_000)).toBe(3);
    expect(retryAfterSeconds(5, 10)).toBe(1);
  });
});

describe("Lockouts (without KV: remembered in the isolate)", () => {
  it("locks an address out after its allowance of bad keys, for LOCKOUT_SECONDS", async () => {
    const env = { BACKEND_URL: "x", LOCKOUT_SECONDS: "30", AUTH_FAILURES: new MemoryLimiter(2, 60) } as unknown as Env;
    const lockouts = new Lockouts();
    expect(await lockouts.recordFailure("203.0.113.1", env, 1000)).toBe(0);
    expect(await lockouts.recordFailure("203.0.113.1", env, 1000)).toBe(0);
    expect(await lockouts.recordFailure("203.0.113.1", env, 1000)).toBe(31_000);
    expect(await lockouts.lockedUntil("203.0.113.1", env, 2000)).toBe(31_000);
    expect(await lockouts.lockedUntil("203.0.113.2", env, 2000)).toBe(0);
    expect(await lockouts.lockedUntil("203.0.113.1", env, 31_001)).toBe(0);
  });
});

describe("numberVar", () => {
  it("reads numbers and falls back on anything else", () => {
    expect(numberVar("15", 1)).toBe(15);
    expect(numberVar(undefined, 1)).toBe(1);
    expect(numberVar(" ", 1)).toBe(1);
    expect(numberVar("-3", 1)).toBe(1);
    expect(numberVar("abc", 1)).toBe(1);
  });
});
