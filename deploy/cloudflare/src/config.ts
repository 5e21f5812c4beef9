/** The Worker's bindings, variables and fixed settings. */

export const GATEWAY_NAME = "keypick-gateway";
export const GATEWAY_VERSION = "1.0.0";

/** Period of the RATE_LIMITER binding in wrangler.toml (10 or 60): the Retry-After of a 429. */
export const RATE_PERIOD_SECONDS = 60;
/** Used when the ratelimit bindings are missing (then counted per isolate only). */
export const FALLBACK_RATE_LIMIT = 120;
export const FALLBACK_FAILURE_LIMIT = 10;
export const FAILURE_PERIOD_SECONDS = 60;

export const PLATFORMS_TTL_SECONDS = 3600;
export const RESULTS_TTL_SECONDS = 86_400;
/** How long the edge remembers a queued crawl (longer than any queue backlog plus retries). */
export const MARKER_TTL_SECONDS = 86_400;
export const MAX_RETRY_DELAY_SECONDS = 300;
export const BACKEND_TIMEOUT_MS = 30_000;

/** A message on the crawler queue: a crawl accepted at the edge, its id already given to the client. */
export interface CrawlMessage {
  task_id: string;
  request: Record<string, unknown>;
  request_id: string;
  queued_at: string;
}

export interface Env {
  ENVIRONMENT?: string;
  BACKEND_URL: string;
  /** "*" or a comma-separated list of origins. */
  ALLOWED_ORIGINS?: string;
  LOCKOUT_SECONDS?: string;
  QUEUE_RETRY_BASE_SECONDS?: string;
  /** Secrets (wrangler secret put / .dev.vars / --var). */
  KEYPICK_API_KEYS?: string;
  INTERNAL_KEY?: string;
  /** Bindings: each optional, the Worker degrades without it. */
  CACHE?: KVNamespace;
  CRAWLER_QUEUE?: Queue<CrawlMessage>;
  RATE_LIMITER?: RateLimit;
  AUTH_FAILURES?: RateLimit;
}

/** Read a numeric variable; fall back on a missing or malformed value. */
export function numberVar(value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === "") return fallback;
  const parsed = Number(value);
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : fallback;
}

export function isProduction(env: Env): boolean {
  return env.ENVIRONMENT === "production";
}

/** One structured log line (Workers Logs indexes JSON fields). */
export function log(level: "info" | "warn" | "error", event: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ level, event, ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}
