/** Forwarding to the KeyPick backend: headers, URLs, timeouts, and a JSON 502 when it does not answer. */

import { BACKEND_TIMEOUT_MS, type Env, log } from "./config";
import { backendUnavailable } from "./errors";

/** What the gateway knows about a request it forwards. */
export interface Forwarding {
  requestId: string;
  ip: string;
  /** Add X-Internal-Key: only for requests whose key the gateway has checked. */
  internal: boolean;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The client's X-Request-ID when it is a sane token, otherwise a new one. */
export function requestIdFrom(headers: Headers): string {
  const given = headers.get("x-request-id")?.trim();
  return given && REQUEST_ID.test(given) ? given : crypto.randomUUID();
}

/** Headers that describe one hop, or that only the gateway may set. */
const DROPPED = [
  "host",
  "connection",
  "keep-alive",
  "transfer-encoding",
  "upgrade",
  "x-internal-key",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-request-id",
  "x-real-ip",
];

/** The headers sent to the backend. A client can never supply X-Internal-Key or X-Forwarded-For itself. */
export function forwardHeaders(incoming: Headers, fwd: Forwarding, env: Env, publicUrl: URL): Headers {
  const out = new Headers(incoming);
  for (const name of DROPPED) out.delete(name);
  for (const name of [...out.keys()]) if (name.startsWith("cf-")) out.delete(name);
  if (fwd.internal) {
    // The key was checked here; the backend trusts X-Internal-Key instead, so the key itself stays at the edge.
    out.delete("x-api-key");
    out.delete("authorization");
    if (env.INTERNAL_KEY) out.set("X-Internal-Key", env.INTERNAL_KEY);
  }
  out.set("X-Forwarded-For", fwd.ip);
  out.set("X-Forwarded-Proto", publicUrl.protocol.replace(":", ""));
  out.set("X-Forwarded-Host", publicUrl.host);
  out.set("X-Request-ID", fwd.requestId);
  return out;
}

/** The backend URL for a public URL: same path and query, minus ?key= (already checked, never forwarded). */
export function backendUrl(base: string, publicUrl: URL): string {
  const target = new URL(base);
  // BACKEND_URL may carry a path prefix (a backend behind another proxy).
  target.pathname = target.pathname.replace(/\/+$/, "") + publicUrl.pathname;
  target.search = publicUrl.search;
  // Re-serialising the query only when needed keeps every other parameter byte-for-byte.
  if (target.searchParams.has("key")) target.searchParams.delete("key");
  return target.toString();
}

/** The backend URL of one of its own paths (the queue consumer's /internal/tasks, the cron's /health). */
export function backendPath(base: string, path: string): string {
  return backendUrl(base, new URL(path, "http://gateway.invalid"));
}

/** Replace the backend's origin in status_url / results_url (anywhere in a JSON body) with the gateway's. */
export function rewriteUrls(body: unknown, backendOrigin: string, publicOrigin: string): unknown {
  if (Array.isArray(body)) return body.map((item) => rewriteUrls(item, backendOrigin, publicOrigin));
  if (body === null || typeof body !== "object") return body;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if ((key === "status_url" || key === "results_url") && typeof value === "string" && value.startsWith(backendOrigin)) {
      out[key] = publicOrigin + value.slice(backendOrigin.length);
    } else {
      out[key] = typeof value === "object" ? rewriteUrls(value, backendOrigin, publicOrigin) : value;
    }
  }
  return out;
}

/** Call the backend; a JSON 502 when it cannot be reached, times out, or its own proxy says it is down. */
export async function callBackend(env: Env, url: string, init: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, redirect: "manual", signal: AbortSignal.timeout(BACKEND_TIMEOUT_MS) });
  } catch (err) {
    const reason = err instanceof Error && err.name === "TimeoutError" ? "timeout" : "unreachable";
    log("error", "backend_unavailable", { reason, error: String(err), url: new URL(url).pathname });
    return backendUnavailable(reason);
  }
  // Fly's proxy answers for a stopped or crashed app with an HTML 502/503/504: keep errors JSON.
  const type = response.headers.get("content-type") ?? "";
  if ([502, 503, 504].includes(response.status) && !type.includes("json")) {
    log("error", "backend_unavailable", { reason: `status ${response.status}` });
    return backendUnavailable(`backend answered ${response.status}`);
  }
  return response;
}

/** BACKEND_URL without its trailing slash: the prefix of every URL the backend builds for itself. */
function backendBase(env: Env): string {
  return new URL(env.BACKEND_URL).toString().replace(/\/+$/, "");
}

/** Forward a request to the backend as it is (method, body, query) and return the answer unchanged. */
export async function proxy(request: Request, env: Env, fwd: Forwarding): Promise<Response> {
  const url = new URL(request.url);
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  const response = await callBackend(env, backendUrl(env.BACKEND_URL, url), {
    method: request.method,
    headers: forwardHeaders(request.headers, fwd, env, url),
    body: hasBody ? request.body : undefined,
  });
  const out = new Response(response.body, response);
  // A backend redirect (FastAPI's trailing-slash 307) must send the client back through the gateway.
  const location = out.headers.get("location");
  const base = backendBase(env);
  if (location?.startsWith(base)) out.headers.set("Location", url.origin + location.slice(base.length));
  return out;
}

/** Forward, then rewrite the backend's URLs in a JSON answer to the gateway's own origin. */
export async function proxyRewriting(request: Request, env: Env, fwd: Forwarding): Promise<Response> {
  const response = await proxy(request, env, fwd);
  if (!(response.headers.get("content-type") ?? "").includes("application/json")) return response;
  const backendOrigin = backendBase(env);
  const publicOrigin = new URL(request.url).origin;
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return new Response(text, response);
  }
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  return new Response(JSON.stringify(rewriteUrls(body, backendOrigin, publicOrigin)), {
    status: response.status,
    headers,
  });
}
