/** Which handler a request goes to: a pure function of its method and path. */

export type Route =
  | { kind: "preflight" }
  | { kind: "health" }
  | { kind: "version" }
  | { kind: "blocked" }
  | { kind: "public" }
  | { kind: "platforms" }
  | { kind: "crawl" }
  | { kind: "status"; taskId: string }
  | { kind: "results"; taskId: string }
  | { kind: "proxy" };

/** The backend's own public documents: proxied without a key and without X-Internal-Key. */
const PUBLIC_PATHS = new Set([
  "/ready",
  "/docs",
  "/docs/oauth2-redirect",
  "/redoc",
  "/openapi.json",
  // Dify imports the tool document by URL, before any key is configured.
  "/api/tools/dify/openapi.json",
  "/api/tools/dify/openapi.yaml",
]);

/** Never reachable through the gateway: the queue consumer's route and the Prometheus scrape. */
const BLOCKED_PREFIXES = ["/internal", "/metrics"];

/** Task ids as the backend gives them (uuid4 hex) or as a client may type them; anything else is just proxied. */
const TASK_ID = "([A-Za-z0-9_-]{1,64})";
const STATUS = new RegExp(`^/api/crawl/status/${TASK_ID}$`);
const RESULTS = new RegExp(`^/api/crawl/task/${TASK_ID}/results$`);

function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

/** Classify a request; everything not named here needs a key and is proxied. */
export function classify(method: string, path: string): Route {
  if (method === "OPTIONS") return { kind: "preflight" };
  if (path === "/health") return { kind: "health" };
  if (path === "/api/version") return { kind: "version" };
  // Compared loosely ("//Internal/tasks"): a backend or proxy further on might normalise what this does not.
  const loose = path.replace(/\/{2,}/g, "/").toLowerCase();
  if (BLOCKED_PREFIXES.some((prefix) => isUnder(loose, prefix))) return { kind: "blocked" };
  if (PUBLIC_PATHS.has(path)) return { kind: "public" };
  const read = method === "GET" || method === "HEAD";
  if (read && path === "/api/crawl/platforms") return { kind: "platforms" };
  if (method === "POST" && (path === "/api/crawl/" || path === "/api/crawl")) return { kind: "crawl" };
  if (read) {
    const status = STATUS.exec(path);
    if (status?.[1]) return { kind: "status", taskId: status[1] };
    const results = RESULTS.exec(path);
    if (results?.[1]) return { kind: "results", taskId: results[1] };
  }
  return { kind: "proxy" };
}
