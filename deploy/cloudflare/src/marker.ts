/**
 * What the gateway alone knows about a queued crawl, in KV under `queued:<task_id>`.
 *
 * Between the 202 and the consumer's delivery the backend has never heard of the task, and a crawl that
 * the backend rejected or that ended in the dead-letter queue never reaches it. The status route asks
 * the backend first and uses this record only when the backend answers 404.
 */

import { type CrawlMessage, type Env, MARKER_TTL_SECONDS, log } from "./config";

export interface Marker {
  state: "queued" | "failed";
  queued_at: string;
  platform: string;
  keywords: string[];
  error?: string;
  failed_at?: string;
  /** Why the last delivery attempt failed (while retries remain). */
  last_error?: string;
}

export function markerKey(taskId: string): string {
  return `queued:${taskId}`;
}

/** The record of a crawl that was just queued. */
export function queuedMarker(message: CrawlMessage): Marker {
  const { platform, keywords } = message.request;
  return {
    state: "queued",
    queued_at: message.queued_at,
    platform: typeof platform === "string" ? platform : "",
    keywords: Array.isArray(keywords) ? keywords.map(String) : typeof keywords === "string" ? keywords.split(",") : [],
  };
}

/** A status document, in the backend's shape, for a task the backend does not know (yet). */
export function statusFromMarker(taskId: string, marker: Marker, resultsUrl: string): Record<string, unknown> {
  const failed = marker.state === "failed";
  return {
    task_id: taskId,
    status: failed ? "failed" : "pending",
    queued: !failed,
    platform: marker.platform,
    keywords: marker.keywords,
    progress: 0,
    counts: { posts: 0, comments: 0, pages: 0, items_seen: 0, duplicates: 0, filtered: 0 },
    units: [],
    error: failed ? (marker.error ?? "the crawl could not be handed to the backend") : null,
    params: {},
    created_at: marker.queued_at,
    started_at: null,
    finished_at: failed ? (marker.failed_at ?? null) : null,
    results_url: resultsUrl,
  };
}

export async function readMarker(env: Env, taskId: string): Promise<Marker | null> {
  if (!env.CACHE) return null;
  try {
    return await env.CACHE.get<Marker>(markerKey(taskId), "json");
  } catch (err) {
    log("warn", "marker_read_failed", { task_id: taskId, error: String(err) });
    return null;
  }
}

export async function writeMarker(env: Env, taskId: string, marker: Marker): Promise<void> {
  try {
    await env.CACHE?.put(markerKey(taskId), JSON.stringify(marker), { expirationTtl: MARKER_TTL_SECONDS });
  } catch (err) {
    log("warn", "marker_write_failed", { task_id: taskId, error: String(err) });
  }
}

/** Record that a queued crawl will never reach the backend, and why. */
export async function markFailed(env: Env, message: CrawlMessage, error: string): Promise<void> {
  const marker: Marker = { ...queuedMarker(message), state: "failed", error, failed_at: new Date().toISOString() };
  await writeMarker(env, message.task_id, marker);
}
