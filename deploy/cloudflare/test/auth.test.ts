import { describe, expect, it } from "vitest";
import { basicHalves, candidates, keyId, matchKey, parseKeys, stripPrefixes, timingSafeEqual } from "../src/auth";

const url = (query = "") => new URL(`https://gw.example/api/crawl/tasks${query}`);

describe("parseKeys", () => {
  it("splits, trims and drops blanks", () => {
    expect(parseKeys(" a, b ,,c ")).toEqual(["a", "b", "c"]);
    expect(parseKeys(undefined)).toEqual([]);
    expect(parseKeys("")).toEqual([]);
  });
});

describe("candidates", () => {
  it("reads X-API-Key, any run of Bearer/Basic prefixes, and ?key=", () => {
    expect(candidates(new Headers({ "X-API-Key": "k1" }), url())).toEqual(["k1"]);
    expect(candidates(new Headers({ Authorization: "Bearer k2" }), url())).toEqual(["k2"]);
    expect(candidates(new Headers({ Authorization: "Bearer Bearer k3" }), url())).toEqual(["k3"]);
    expect(candidates(new Headers({ Authorization: "basic k4" }), url())).toEqual(["k4"]);
    expect(candidates(new Headers(), url("?key=k5"))).toEqual(["k5"]);
  });

  it("decodes a real Basic credential into both halves", () => {
    const encoded = btoa("user:secret");
    expect(candidates(new Headers({ Authorization: `Basic ${encoded}` }), url())).toEqual([encoded, "user", "secret"]);
  });

  it("finds nothing in an empty request", () => {
    expect(candidates(new Headers({ Authorization: "  " }), url())).toEqual([]);
  });
});

describe("stripPrefixes and basicHalves", () => {
  it("strips prefixes case-insensitively", () => {
    expect(stripPrefixes("  BEARER basic key ")).toBe("key");
  });
  it("rejects what is not base64 or not UTF-8", () => {
    expect(basicHalves("not base64!")).toEqual([]);
    expect(basicHalves("abc")).toEqual([]);
    expect(basicHalves(btoa("\xff\xfe:x"))).toEqual([]);
    expect(basicHalves(btoa("onlyuser"))).toEqual(["onlyuser"]);
  });
});

describe("timingSafeEqual and matchKey", () => {
  it("compares whole strings", () => {
    expect(timingSafeEqual("abc", "abc")).toBe(true);
    expect(timingSafeEqual("abc", "abd")).toBe(false);
    expect(timingSafeEqual("abc", "abcd")).toBe(false);
    expect(timingSafeEqual("", "")).toBe(true);
  });
  it("returns the configured key that matched, or null", () => {
    expect(matchKey(["x", "k2"], ["k1", "k2"])).toBe("k2");
    expect(matchKey(["x"], ["k1"])).toBeNull();
    expect(matchKey([], ["k1"])).toBeNull();
  });
});

describe("keyId", () => {
  it("is stable, short and not the key", async () => {
    const id = await keyId("secret");
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(await keyId("secret")).toBe(id);
    expect(await keyId("other")).not.toBe(id);
  });
});
