import { describe, expect, it } from "vitest";
import type { Env } from "../src/config";
import { backendPath, backendUrl, forwardHeaders, requestIdFrom, rewriteUrls } from "../src/proxy";

const env: Env = { BACKEND_URL: "https://keypick.fly.dev", INTERNAL_KEY: "internal-secret" };
const publicUrl = new URL("https://gw.example/api/crawl/tasks?limit=1");

describe("requestIdFrom", () => {
  it("keeps a sane client id and replaces anything else", () => {
    expect(requestIdFrom(new Headers({ "X-Request-ID": "req-1" }))).toBe("req-1");
    expect(requestIdFrom(new Headers({ "X-Request-ID": "bad id\n" }))).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom(new Headers())).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("forwardHeaders", () => {
  const incoming = new Headers({
    "X-API-Key": "client-key",
    Authorization: "Bearer client-key",
    "X-Internal-Key": "smuggled",
    "X-Forwarded-For": "10.0.0.1",
    "CF-Connecting-IP": "203.0.113.9",
    "Content-Type": "application/json",
  });

  it("replaces the client's key with X-Internal-Key once the key was checked", () => {
    const out = forwardHeaders(incoming, { requestId: "r1", ip: "203.0.113.9", internal: true }, env, publicUrl);
    expect(out.get("X-Internal-Key")).toBe("internal-secret");
    expect(out.get("X-API-Key")).toBeNull();
    expect(out.get("Authorization")).toBeNull();
    expect(out.get("X-Forwarded-For")).toBe("203.0.113.9");
    expect(out.get("X-Forwarded-Host")).toBe("gw.example");
    expect(out.get("X-Forwarded-Proto")).toBe("https");
    expect(out.get("X-Request-ID")).toBe("r1");
    expect(out.get("CF-Connecting-IP")).toBeNull();
    expect(out.get("Content-Type")).toBe("application/json");
  });

  it("never passes a client's own X-Internal-Key on unchecked requests", () => {
    const out = forwardHeaders(incoming, { requestId: "r1", ip: "203.0.113.9", internal: false }, env, publicUrl);
    expect(out.get("X-Internal-Key")).toBeNull();
    expect(out.get("X-API-Key")).toBe("client-key");
  });
});

describe("backendUrl and backendPath", () => {
  it("keeps path and query, drops ?key=", () => {
    expect(backendUrl("https://keypick.fly.dev", new URL("https://gw.example/api/x?a=1&key=k&b=2"))).toBe(
      "https://keypick.fly.dev/api/x?a=1&b=2",
    );
    expect(backendUrl("https://keypick.fly.dev/", new URL("https://gw.example/api/x?q=%E5%92%96"))).toBe(
      "https://keypick.fly.dev/api/x?q=%E5%92%96",
    );
  });
  it("keeps a path prefix of BACKEND_URL", () => {
    expect(backendUrl("http://127.0.0.1:8000/kp/", new URL("https://gw.example/health"))).toBe(
      "http://127.0.0.1:8000/kp/health",
    );
    expect(backendPath("http://127.0.0.1:8000/kp", "/internal/tasks")).toBe("http://127.0.0.1:8000/kp/internal/tasks");
  });
});

describe("rewriteUrls", () => {
  it("points status and results URLs at the gateway, at any depth", () => {
    const body = {
      status_url: "https://keypick.fly.dev/api/crawl/status/t1",
      results_url: "https://keypick.fly.dev/api/crawl/task/t1/results",
      tasks: [{ status_url: "https://keypick.fly.dev/api/crawl/status/t2", title: "https://keypick.fly.dev/x" }],
      other: "https://elsewhere.example/api/crawl/status/t3",
    };
    expect(rewriteUrls(body, "https://keypick.fly.dev", "https://gw.example")).toEqual({
      status_url: "https://gw.example/api/crawl/status/t1",
      results_url: "https://gw.example/api/crawl/task/t1/results",
      tasks: [{ status_url: "https://gw.example/api/crawl/status/t2", title: "https://keypick.fly.dev/x" }],
      other: "https://elsewhere.example/api/crawl/status/t3",
    });
  });
});
