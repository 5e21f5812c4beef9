import { describe, expect, it } from "vitest";
import { classify } from "../src/routes";

describe("classify", () => {
  it("answers preflights, /health and /api/version at the edge", () => {
    expect(classify("OPTIONS", "/api/crawl/")).toEqual({ kind: "preflight" });
    expect(classify("GET", "/health")).toEqual({ kind: "health" });
    expect(classify("GET", "/api/version")).toEqual({ kind: "version" });
  });

  it("blocks the internal routes and metrics", () => {
    for (const path of ["/internal", "/internal/tasks", "/metrics", "/metrics/x", "//internal/tasks", "/Internal/Tasks"]) {
      expect(classify("POST", path)).toEqual({ kind: "blocked" });
    }
    expect(classify("GET", "/internalize")).toEqual({ kind: "proxy" });
  });

  it("lets the backend's public documents through", () => {
    expect(classify("GET", "/api/tools/dify/openapi.json")).toEqual({ kind: "public" });
    expect(classify("GET", "/docs")).toEqual({ kind: "public" });
  });

  it("names the cached and queued routes", () => {
    expect(classify("GET", "/api/crawl/platforms")).toEqual({ kind: "platforms" });
    expect(classify("POST", "/api/crawl/")).toEqual({ kind: "crawl" });
    expect(classify("POST", "/api/crawl")).toEqual({ kind: "crawl" });
    expect(classify("GET", "/api/crawl/status/abc123")).toEqual({ kind: "status", taskId: "abc123" });
    expect(classify("GET", "/api/crawl/task/abc123/results")).toEqual({ kind: "results", taskId: "abc123" });
  });

  it("proxies everything else, including writes to the cached paths", () => {
    expect(classify("POST", "/api/crawl/platforms")).toEqual({ kind: "proxy" });
    expect(classify("DELETE", "/api/crawl/task/abc123")).toEqual({ kind: "proxy" });
    expect(classify("GET", "/api/crawl/status/a%2Fb")).toEqual({ kind: "proxy" });
    expect(classify("POST", "/mcp")).toEqual({ kind: "proxy" });
  });
});
