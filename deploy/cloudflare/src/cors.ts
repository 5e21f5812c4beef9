/** CORS: the allowed origins come from ALLOWED_ORIGINS ("*" or a comma-separated list). */

export const ALLOWED_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
export const ALLOWED_HEADERS =
  "Authorization, X-API-Key, Content-Type, Idempotency-Key, X-Request-ID, Accept, Mcp-Session-Id, Mcp-Protocol-Version";
export const EXPOSED_HEADERS = "X-Cache, X-Request-ID, Retry-After, Location, X-Task-Source";
export const PREFLIGHT_MAX_AGE = "86400";

/** The Access-Control-Allow-Origin value for this request, or null when the origin is not allowed. */
export function allowOrigin(origin: string | null, allowed: string | undefined): string | null {
  const list = (allowed ?? "*")
    .split(",")
    .map((o) => o.trim())
    .filter(Boolean);
  if (list.includes("*")) return "*";
  if (origin !== null && list.includes(origin)) return origin;
  return null;
}

/** Add the CORS headers of a normal (non-preflight) answer. */
export function applyCors(headers: Headers, origin: string | null, allowed: string | undefined): void {
  const value = allowOrigin(origin, allowed);
  // A list answers differently per Origin, so caches must key on it.
  if (value !== "*") headers.append("Vary", "Origin");
  if (value === null) return;
  headers.set("Access-Control-Allow-Origin", value);
  headers.set("Access-Control-Expose-Headers", EXPOSED_HEADERS);
}

/** The answer to an OPTIONS preflight: 204 with the allowed methods and headers, or 403 for a foreign origin. */
export function preflight(origin: string | null, allowed: string | undefined): Response {
  const value = allowOrigin(origin, allowed);
  if (value === null) return new Response(null, { status: 403, headers: { Vary: "Origin" } });
  const headers = new Headers({
    "Access-Control-Allow-Origin": value,
    "Access-Control-Allow-Methods": ALLOWED_METHODS,
    "Access-Control-Allow-Headers": ALLOWED_HEADERS,
    "Access-Control-Max-Age": PREFLIGHT_MAX_AGE,
  });
  if (value !== "*") headers.set("Vary", "Origin");
  return new Response(null, { status: 204, headers });
}
