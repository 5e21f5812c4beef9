/**
 * The queue consumers: hand queued crawls to the backend (POST /internal/tasks with X-Internal-Key).
 *
 * Delivery is idempotent: the backend creates the task under the gateway's id, and a redelivered message
 * gets 200 with the same task. Transient failures are retried with exponential backoff; after
 * max_retries (wrangler.toml) Cloudflare moves the message to the dead-letter queue, whose consumer
 * records the failure so the task's status says why.
 */

import { type CrawlMessage, type Env, MAX_RETRY_DELAY_SECONDS, log, numberVar } from "./config";
import { markFailed, queuedMarker, readMarker, writeMarker } from "./marker";
import { backendPath, callBackend } from "./proxy";

export const INTERNAL_TASKS_PATH = "/internal/tasks";

export type Outcome = "ack" | "retry" | "reject";

/**
 * What to do after the backend answered `status`. 401/403 (INTERNAL_KEY differs between the two sides)
 * and 404 (BACKEND_URL names something else) are configuration errors: retried, since an operator can fix
 * them, and dead-lettered if never fixed. Other 4xx are the crawl's own fault (bad field, id conflict).
 */
export function outcomeOf(status: number): Outcome {
  if (status === 200 || status === 201) return "ack";
  if (status === 408 || status === 429 || status === 401 || status === 403 || status === 404 || status >= 500) return "retry";
  return "reject";
}

/** Seconds before the next attempt: base, 2×base, 4×base … capped. `attempts` counts this delivery (1-based). */
export function retryDelay(attempts: number, baseSeconds: number, maxSeconds = MAX_RETRY_DELAY_SECONDS): number {
  const exponent = Math.max(0, attempts - 1);
  return Math.min(maxSeconds, Math.round(baseSeconds * 2 ** exponent));
}

/** True for a dead-letter queue (by the naming used in wrangler.toml: keypick-crawler-dlq…). */
export function isDeadLetterQueue(name: string): boolean {
  return name.includes("-dlq");
}

export function isCrawlMessage(body: unknown): body is CrawlMessage {
  if (body === null || typeof body !== "object") return false;
  const m = body as Record<string, unknown>;
  return typeof m.task_id === "string" && /^[0-9a-f]{32}$/.test(m.task_id) && typeof m.request === "object" && m.request !== null;
}

/** The backend's error message from its {"error": {...}} envelope (or FastAPI's {"detail"}), for the status. */
export function backendError(status: number, text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown }; detail?: unknown };
    const message = body.error?.message ?? body.detail;
    if (message !== undefined) return `backend rejected the crawl (${status}): ${typeof message === "string" ? message : JSON.stringify(message)}`;
  } catch {
    // Not JSON: fall through to the status alone.
  }
  return `backend rejected the crawl (${status})`;
}

/** Deliver one message; returns what happened to it. */
export async function deliver(message: Message<unknown>, env: Env): Promise<Outcome> {
  const body = message.body;
  if (!isCrawlMessage(body)) {
    log("error", "queue_message_malformed", { id: message.id });
    message.ack();
    return "reject";
  }
  const response = await callBackend(env, backendPath(env.BACKEND_URL, INTERNAL_TASKS_PATH), {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-Internal-Key": env.INTERNAL_KEY ?? "",
      "X-Request-ID": body.request_id,
    },
    body: JSON.stringify({ task_id: body.task_id, request: body.request }),
  });
  const outcome = outcomeOf(response.status);
  const fields = { task_id: body.task_id, status: response.status, attempts: message.attempts };
  if (outcome === "ack") {
    log("info", "crawl_delivered", fields);
    message.ack();
  } else if (outcome === "reject") {
    const error = backendError(response.status, await response.text());
    log("warn", "crawl_rejected", { ...fields, error });
    await markFailed(env, body, error);
    message.ack();
  } else {
    const delaySeconds = retryDelay(message.attempts, numberVar(env.QUEUE_RETRY_BASE_SECONDS, 10));
    log("warn", "crawl_delivery_retry", { ...fields, delay_seconds: delaySeconds });
    // Kept for the dead-letter consumer, which only gets the message, not the reason.
    const lastError = response.status === 502 ? "backend unreachable" : `backend answered ${response.status}`;
    await writeMarker(env, body.task_id, { ...queuedMarker(body), last_error: lastError });
    message.retry({ delaySeconds });
  }
  return outcome;
}

/** Dead letters: the crawl will never reach the backend; say so in its status. */
async function bury(message: Message<unknown>, env: Env): Promise<void> {
  if (isCrawlMessage(message.body)) {
    const last = (await readMarker(env, message.body.task_id))?.last_error ?? "unknown";
    const error = `the crawl could not be handed to the backend: its retries ran out (last: ${last})`;
    log("error", "crawl_dead_lettered", { task_id: message.body.task_id, last_error: last });
    await markFailed(env, message.body, error);
  }
  message.ack();
}

/** The queue handler: one batch of either queue. Messages are handled one at a time, in order. */
export async function consume(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    if (isDeadLetterQueue(batch.queue)) await bury(message, env);
    else await deliver(message, env);
  }
}
