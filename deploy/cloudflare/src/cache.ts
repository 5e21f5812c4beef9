/**
 * KV caching of answers that do not change: the platform list (1 h) and the results of finished tasks.
 *
 * A finished task's posts never change, so its result pages are stored as they are and served with
 * X-Cache: HIT. Task status is never cached (see status.ts).
 */

import { type Env, log } from "./config";

export const PLATFORMS_KEY = "platforms:v1";

/** Task states after which the result pages are final. */
export const FINAL_STATUSES: ReadonlySet<string> = new Set(["completed", "partial"]);

/** The KV key of one page of a task's results: the query sorted, ?key= left out (it is a credential). */
export function resultsKey(taskId: string, params: URLSearchParams): string {
  const pairs = [...params.entries()].filter(([name]) => name !== "key");
  pairs.sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : x > y ? 1 : 0) : a < b ? -1 : 1));
  return `results:${taskId}:${new URLSearchParams(pairs).toString()}`;
}

/** True when a results body belongs to a task that has finished (its pages can be kept). */
export function isFinalResults(body: unknown): boolean {
  if (body === null || typeof body !== "object") return false;
  const status = (body as Record<string, unknown>).status;
  return typeof status === "string" && FINAL_STATUSES.has(status);
}

/** A cached JSON answer. */
function hit(text: string): Response {
  return new Response(text, { status: 200, headers: { "Content-Type": "application/json", "X-Cache": "HIT" } });
}

function withCacheHeader(response: Response, value: string): Response {
  const out = new Response(response.body, response);
  out.headers.set("X-Cache", value);
  return out;
}

/**
 * Serve `key` from KV, or fetch it and store a 200 JSON answer that `storable` accepts for `ttl` seconds.
 * The write is awaited: the next request, even from the same client a moment later, gets the HIT.
 */
export async function throughCache(
  env: Env,
  key: string,
  ttl: number,
  fetchFresh: () => Promise<Response>,
  storable: (body: unknown) => boolean = () => true,
): Promise<Response> {
  const kv = env.CACHE;
  if (!kv) return withCacheHeader(await fetchFresh(), "BYPASS");
  try {
    const stored = await kv.get(key);
    if (stored !== null) return hit(stored);
  } catch (err) {
    log("warn", "cache_read_failed", { key, error: String(err) });
  }
  const response = await fetchFresh();
  if (response.status !== 200 || !(response.headers.get("content-type") ?? "").includes("application/json")) {
    return withCacheHeader(response, "MISS");
  }
  const text = await response.text();
  try {
    if (storable(JSON.parse(text))) await kv.put(key, text, { expirationTtl: Math.max(60, ttl) });
  } catch (err) {
    log("warn", "cache_write_failed", { key, error: String(err) });
  }
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  headers.set("X-Cache", "MISS");
  return new Response(text, { status: 200, headers });
}
