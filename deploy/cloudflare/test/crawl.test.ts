import { describe, expect, it } from "vitest";
import { crawlBodyProblem, newTaskId, taskIdFor } from "../src/crawl";
import { queuedMarker, statusFromMarker } from "../src/marker";

describe("task ids", () => {
  it("are 32 hex characters, as the backend's /internal/tasks requires", async () => {
    expect(newTaskId()).toMatch(/^[0-9a-f]{32}$/);
    expect(newTaskId()).not.toBe(newTaskId());
    expect(await taskIdFor("retry-1", "key-a")).toMatch(/^[0-9a-f]{32}$/);
  });
  it("are the same for one Idempotency-Key of one API key", async () => {
    expect(await taskIdFor("retry-1", "key-a")).toBe(await taskIdFor("retry-1", "key-a"));
    expect(await taskIdFor("retry-1", "key-a")).not.toBe(await taskIdFor("retry-1", "key-b"));
    expect(await taskIdFor("retry-1", "key-a")).not.toBe(await taskIdFor("retry-2", "key-a"));
  });
});

describe("crawlBodyProblem", () => {
  it("accepts keyword lists and comma strings", () => {
    expect(crawlBodyProblem({ platform: "weibo", keywords: ["咖啡"] })).toBeNull();
    expect(crawlBodyProblem({ platform: "wb", keywords: "咖啡，茶" })).toBeNull();
  });
  it("names the field at fault", () => {
    expect(crawlBodyProblem([])?.field).toBe("body");
    expect(crawlBodyProblem(null)?.field).toBe("body");
    expect(crawlBodyProblem({ keywords: ["a"] })?.field).toBe("platform");
    expect(crawlBodyProblem({ platform: " ", keywords: ["a"] })?.field).toBe("platform");
    expect(crawlBodyProblem({ platform: "weibo" })?.field).toBe("keywords");
    expect(crawlBodyProblem({ platform: "weibo", keywords: [" ", ""] })?.field).toBe("keywords");
    expect(crawlBodyProblem({ platform: "weibo", keywords: ",," })?.field).toBe("keywords");
  });
});

describe("markers", () => {
  const message = {
    task_id: "b".repeat(32),
    request: { platform: "weibo", keywords: "咖啡,茶" },
    request_id: "r1",
    queued_at: "2026-12-04T00:00:00.000Z",
  };

  it("describe a queued crawl as pending, in the backend's status shape", () => {
    const status = statusFromMarker(message.task_id, queuedMarker(message), "https://gw.example/r");
    expect(status).toMatchObject({
      task_id: message.task_id,
      status: "pending",
      queued: true,
      platform: "weibo",
      keywords: ["咖啡", "茶"],
      error: null,
      created_at: message.queued_at,
      results_url: "https://gw.example/r",
    });
  });

  it("describe a failed delivery as failed, with the reason", () => {
    const marker = { ...queuedMarker(message), state: "failed" as const, error: "why", failed_at: "later" };
    expect(statusFromMarker(message.task_id, marker, "u")).toMatchObject({ status: "failed", error: "why", finished_at: "later" });
  });
});
