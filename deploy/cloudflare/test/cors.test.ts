import { describe, expect, it } from "vitest";
import { allowOrigin, applyCors, preflight } from "../src/cors";

describe("allowOrigin", () => {
  it("allows any origin with *", () => {
    expect(allowOrigin("https://a.example", "*")).toBe("*");
    expect(allowOrigin(null, undefined)).toBe("*");
  });
  it("allows only listed origins otherwise", () => {
    expect(allowOrigin("https://a.example", "https://a.example, https://b.example")).toBe("https://a.example");
    expect(allowOrigin("https://c.example", "https://a.example")).toBeNull();
    expect(allowOrigin(null, "https://a.example")).toBeNull();
  });
});

describe("preflight", () => {
  it("answers 204 with methods, headers and max age", () => {
    const response = preflight("https://a.example", "*");
    expect(response.status).toBe(204);
    expect(response.headers.get("Access-Control-Allow-Headers")).toContain("X-API-Key");
    expect(response.headers.get("Access-Control-Allow-Methods")).toContain("POST");
    expect(response.headers.get("Access-Control-Max-Age")).toBe("86400");
  });
  it("refuses a foreign origin", () => {
    expect(preflight("https://evil.example", "https://a.example").status).toBe(403);
  });
});

describe("applyCors", () => {
  it("echoes a listed origin and varies on Origin", () => {
    const headers = new Headers();
    applyCors(headers, "https://a.example", "https://a.example");
    expect(headers.get("Access-Control-Allow-Origin")).toBe("https://a.example");
    expect(headers.get("Vary")).toBe("Origin");
    expect(headers.get("Access-Control-Expose-Headers")).toContain("X-Cache");
  });
  it("adds nothing for a foreign origin", () => {
    const headers = new Headers();
    applyCors(headers, "https://evil.example", "https://a.example");
    expect(headers.get("Access-Control-Allow-Origin")).toBeNull();
  });
});
