/** POST /api/crawl/ with the queue bound: give the client a task id at once and queue the crawl. */

import { type CrawlMessage, type Env, log } from "./config";
import { errorResponse, json } from "./errors";
import { queuedMarker, readMarker, writeMarker } from "./marker";

const encoder = new TextEncoder();

/** A new task id in the backend's form (uuid4 hex, 32 characters). */
export function newTaskId(): string {
  return crypto.randomUUID().replaceAll("-", "");
}

/** The task id for an Idempotency-Key: the same key (per API key) always names the same task. */
export async function taskIdFor(idempotencyKey: string, keyId: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", encoder.encode(`keypick-idem:${keyId}:${idempotencyKey}`));
  return [...new Uint8Array(digest).slice(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Cheap checks the edge can make before answering 202; null when the body may be queued.
 * The backend validates everything else on delivery, and a rejection shows up in the task's status.
 */
export function crawlBodyProblem(body: unknown): { field: string; message: string } | null {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    return { field: "body", message: "the body must be a JSON object" };
  }
  const { platform, keywords } = body as Record<string, unknown>;
  if (typeof platform !== "string" || !platform.trim()) {
    return { field: "platform", message: "platform is required (for example weibo)" };
  }
  const words = typeof keywords === "string" ? keywords.split(/[,，]/) : keywords;
  if (!Array.isArray(words) || !words.some((w) => typeof w === "string" && w.trim())) {
    return { field: "keywords", message: "keywords is required: a list or a comma-separated string" };
  }
  return null;
}

export interface CrawlContext {
  requestId: string;
  keyId: string;
}

/** Queue the crawl and answer 202 with the task id and where to poll. */
export async function enqueueCrawl(request: Request, env: Env, queue: Queue<CrawlMessage>, ctx: CrawlContext): Promise<Response> {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return invalid({ field: "body", message: "not valid JSON" });
  }
  const problem = crawlBodyProblem(body);
  if (problem) return invalid(problem);
  const origin = new URL(request.url).origin;
  const idempotencyKey = request.headers.get("idempotency-key")?.trim();
  const taskId = idempotencyKey ? await taskIdFor(idempotencyKey, ctx.keyId) : newTaskId();
  if (idempotencyKey) {
    // A retry (Dify retries on timeouts) gets the task it already has, as the backend does: 200, not queued again.
    const known = await readMarker(env, taskId);
    if (known) return accepted(origin, taskId, known.state === "failed" ? "failed" : "pending", false);
  }
  const message: CrawlMessage = {
    task_id: taskId,
    request: body as Record<string, unknown>,
    request_id: ctx.requestId,
    queued_at: new Date().toISOString(),
  };
  // The record first: a client polling right after the 202 must find the task.
  await writeMarker(env, taskId, queuedMarker(message));
  try {
    await queue.send(message, { contentType: "json" });
  } catch (err) {
    log("error", "enqueue_failed", { task_id: taskId, error: String(err) });
    return errorResponse(503, "queue_unavailable", "the crawl could not be queued; try again shortly");
  }
  return accepted(origin, taskId, "pending", true);
}

/** The backend's TaskCreated shape (202 when new, 200 for a repeated Idempotency-Key), plus queued: true. */
function accepted(origin: string, taskId: string, status: string, created: boolean): Response {
  const statusUrl = `${origin}/api/crawl/status/${taskId}`;
  const body = {
    task_id: taskId,
    status,
    queued: true,
    status_url: statusUrl,
    results_url: `${origin}/api/crawl/task/${taskId}/results`,
    created,
  };
  return json(body, created ? 202 : 200, { Location: statusUrl });
}

/** A 422 in the backend's shape: {"error": {"code": "validation_error", "details": {"errors": [...]}}}. */
function invalid(problem: { field: string; message: string }): Response {
  return errorResponse(422, "validation_error", `${problem.field}: ${problem.message}`, { errors: [problem] });
}
