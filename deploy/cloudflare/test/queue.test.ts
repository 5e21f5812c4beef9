import { describe, expect, it } from "vitest";
import { backendError, isCrawlMessage, isDeadLetterQueue, outcomeOf, retryDelay } from "../src/queue";

describe("outcomeOf", () => {
  it("acks a created or already existing task", () => {
    expect(outcomeOf(201)).toBe("ack");
    expect(outcomeOf(200)).toBe("ack");
  });
  it("retries outages and configuration errors", () => {
    for (const status of [401, 403, 404, 408, 429, 500, 502, 503]) expect(outcomeOf(status)).toBe("retry");
  });
  it("rejects the crawl's own errors", () => {
    for (const status of [400, 409, 413, 422]) expect(outcomeOf(status)).toBe("reject");
  });
});

describe("retryDelay", () => {
  it("doubles from the base and is capped", () => {
    expect([1, 2, 3, 4].map((a) => retryDelay(a, 5))).toEqual([5, 10, 20, 40]);
    expect(retryDelay(20, 5)).toBe(300);
    expect(retryDelay(0, 5)).toBe(5);
    expect(retryDelay(3, 0)).toBe(0);
  });
});

describe("messages", () => {
  it("knows the dead-letter queues by name", () => {
    expect(isDeadLetterQueue("keypick-crawler-dlq")).toBe(true);
    expect(isDeadLetterQueue("keypick-crawler-dlq-dev")).toBe(true);
    expect(isDeadLetterQueue("keypick-crawler-queue")).toBe(false);
  });
  it("accepts only well-formed crawl messages", () => {
    const ok = { task_id: "a".repeat(32), request: { platform: "weibo" }, request_id: "r", queued_at: "t" };
    expect(isCrawlMessage(ok)).toBe(true);
    expect(isCrawlMessage({ ...ok, task_id: "short" })).toBe(false);
    expect(isCrawlMessage({ ...ok, request: null })).toBe(false);
    expect(isCrawlMessage("text")).toBe(false);
  });
  it("quotes the backend's error message", () => {
    const envelope = JSON.stringify({ error: { code: "validation_error", message: "platform: unknown" } });
    expect(backendError(422, envelope)).toBe("backend rejected the crawl (422): platform: unknown");
    expect(backendError(409, JSON.stringify({ detail: "conflict" }))).toBe("backend rejected the crawl (409): conflict");
    expect(backendError(400, "<html>")).toBe("backend rejected the crawl (400)");
  });
});
