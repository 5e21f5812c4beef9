/**
 * KeyPick's edge gateway: CORS, /health and /api/version at the edge, API keys, rate limits and lockouts,
 * KV caching, crawls through Cloudflare Queues when CRAWLER_QUEUE is bound (forwarded otherwise), and a
 * proxy to the backend for everything else. Each concern lives in its own module; this one routes.
 */

import { PLATFORMS_KEY, isFinalResults, resultsKey, throughCache } from "./cache";
import { type CrawlMessage, type Env, GATEWAY_NAME, GATEWAY_VERSION, PLATFORMS_TTL_SECONDS, RESULTS_TTL_SECONDS, log } from "./config";
import { applyCors, preflight } from "./cors";
import { enqueueCrawl } from "./crawl";
import { errorResponse, json } from "./errors";
import { authorize } from "./gate";
import { type Forwarding, backendPath, callBackend, proxy, proxyRewriting, requestIdFrom } from "./proxy";
import { consume } from "./queue";
import { clientIp } from "./ratelimit";
import { type Route, classify } from "./routes";
import { taskStatus } from "./status";

function edgeInfo(env: Env): Record<string, unknown> {
  return {
    service: GATEWAY_NAME,
    version: GATEWAY_VERSION,
    environment: env.ENVIRONMENT ?? "development",
    queue: env.CRAWLER_QUEUE ? "bound" : "unbound",
    cache: env.CACHE ? "bound" : "unbound",
  };
}

/** Routes that need a checked key. */
async function authorized(route: Route, request: Request, env: Env, fwd: Forwarding, keyId: string): Promise<Response> {
  const url = new URL(request.url);
  switch (route.kind) {
    case "platforms":
      // Only the plain list is cached; a query (none is defined today) goes straight through.
      if (url.search) return proxy(request, env, fwd);
      return throughCache(env, PLATFORMS_KEY, PLATFORMS_TTL_SECONDS, () => proxy(request, env, fwd));
    case "results":
      return throughCache(
        env,
        resultsKey(route.taskId, url.searchParams),
        RESULTS_TTL_SECONDS,
        () => proxy(request, env, fwd),
        isFinalResults,
      );
    case "status":
      return taskStatus(request, env, fwd, route.taskId);
    case "crawl":
      if (env.CRAWLER_QUEUE) return enqueueCrawl(request, env, env.CRAWLER_QUEUE, { requestId: fwd.requestId, keyId });
      return proxyRewriting(request, env, fwd);
    default:
      if (url.pathname.startsWith("/api/crawl/tasks")) return proxyRewriting(request, env, fwd);
      return proxy(request, env, fwd);
  }
}

async function handle(request: Request, env: Env, requestId: string): Promise<Response> {
  const route = classify(request.method, new URL(request.url).pathname);
  const fwd: Forwarding = { requestId, ip: clientIp(request), internal: false };
  switch (route.kind) {
    case "preflight":
      return preflight(request.headers.get("origin"), env.ALLOWED_ORIGINS);
    case "health":
      return json({ status: "ok", ...edgeInfo(env) });
    case "version":
      return json(edgeInfo(env));
    case "blocked":
      return errorResponse(404, "not_found", "not found");
    case "public":
      return proxy(request, env, fwd);
  }
  const verdict = await authorize(request, env);
  if (!verdict.ok) return verdict.response;
  return authorized(route, request, env, { ...fwd, internal: true }, verdict.keyId);
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const requestId = requestIdFrom(request.headers);
    let response: Response;
    try {
      response = await handle(request, env, requestId);
    } catch (err) {
      log("error", "gateway_error", { request_id: requestId, error: String(err) });
      response = errorResponse(500, "gateway_error", "the gateway failed to handle the request", { request_id: requestId });
    }
    // Responses from fetch() have immutable headers; preflights are complete already.
    if (request.method === "OPTIONS") return response;
    const out = new Response(response.body, response);
    out.headers.set("X-Request-ID", requestId);
    applyCors(out.headers, request.headers.get("origin"), env.ALLOWED_ORIGINS);
    return out;
  },

  async queue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
    await consume(batch, env);
  },

  /** Cron: ask the backend's /health, so outages show up in the logs and a stopped Fly machine wakes up. */
  async scheduled(_controller: ScheduledController, env: Env): Promise<void> {
    const response = await callBackend(env, backendPath(env.BACKEND_URL, "/health"), { method: "GET" });
    log(response.ok ? "info" : "error", "backend_health", { status: response.status });
  },
} satisfies ExportedHandler<Env, CrawlMessage>;
