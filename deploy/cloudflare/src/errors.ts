/** JSON answers, errors in the backend's envelope: {"error": {"code", "message", "details"}}. */

export interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> };
}

export function errorBody(code: string, message: string, details: Record<string, unknown> = {}): ErrorBody {
  return { error: { code, message, details } };
}

export function json(body: unknown, status = 200, headers: HeadersInit = {}): Response {
  const out = new Headers(headers);
  out.set("Content-Type", "application/json");
  return new Response(JSON.stringify(body), { status, headers: out });
}

export function errorResponse(
  status: number,
  code: string,
  message: string,
  details: Record<string, unknown> = {},
  headers: HeadersInit = {},
): Response {
  return json(errorBody(code, message, details), status, headers);
}

export function backendUnavailable(reason: string): Response {
  return errorResponse(502, "backend_unavailable", "the KeyPick backend did not answer; try again shortly", {
    reason,
  });
}

export const UNAUTHORIZED_MESSAGE =
  "missing or invalid API key: send X-API-Key: <key>, Authorization: Bearer <key>, or ?key=<key>";
