/** The edge's access check: lockout, API key, per-key rate limit. Either a key id or the answer to send. */

import { candidates, keyId, matchKey, parseKeys } from "./auth";
import { type Env, RATE_PERIOD_SECONDS, log } from "./config";
import { UNAUTHORIZED_MESSAGE, errorResponse } from "./errors";
import { allowRequest, clientIp, lockouts, retryAfterSeconds } from "./ratelimit";

export type Verdict = { ok: true; keyId: string } | { ok: false; response: Response };

function tooMany(code: string, message: string, retryAfter: number): Verdict {
  return {
    ok: false,
    response: errorResponse(429, code, message, { retry_after: retryAfter }, { "Retry-After": String(retryAfter) }),
  };
}

export async function authorize(request: Request, env: Env, now: number = Date.now()): Promise<Verdict> {
  const ip = clientIp(request);
  const locked = await lockouts.lockedUntil(ip, env, now);
  if (locked > now) {
    return tooMany("locked_out", "too many invalid API keys from this address", retryAfterSeconds(locked, now));
  }
  const keys = parseKeys(env.KEYPICK_API_KEYS);
  if (keys.length === 0) {
    // Fail closed: a gateway without keys would hand X-Internal-Key to anyone.
    log("error", "no_api_keys_configured");
    return { ok: false, response: errorResponse(503, "gateway_not_configured", "KEYPICK_API_KEYS is not set on the gateway") };
  }
  const match = matchKey(candidates(request.headers, new URL(request.url)), keys);
  if (match === null) {
    const until = await lockouts.recordFailure(ip, env, now);
    if (until > now) {
      return tooMany("locked_out", "too many invalid API keys from this address", retryAfterSeconds(until, now));
    }
    return {
      ok: false,
      response: errorResponse(401, "unauthorized", UNAUTHORIZED_MESSAGE, {}, { "WWW-Authenticate": "Bearer" }),
    };
  }
  const id = await keyId(match);
  if (!(await allowRequest(id, env))) {
    log("warn", "rate_limited", { key_id: id });
    return tooMany("rate_limited", "rate limit exceeded for this API key", RATE_PERIOD_SECONDS);
  }
  return { ok: true, keyId: id };
}
