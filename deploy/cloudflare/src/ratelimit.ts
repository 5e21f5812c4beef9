/**
 * A per-key request limit and a per-IP lockout after repeated bad keys.
 *
 * Counting uses the Workers Rate Limiting bindings (RATE_LIMITER per key, AUTH_FAILURES per IP): counters
 * shared by a Cloudflare location. Without them, a fixed-window counter in this isolate stands in. A
 * lockout is written to KV (`lock:<ip>`, one write per lockout, expiring by itself) and remembered in the
 * isolate, so every location sees it and this isolate does not even need the read.
 */

import {
  type Env,
  FAILURE_PERIOD_SECONDS,
  FALLBACK_FAILURE_LIMIT,
  FALLBACK_RATE_LIMIT,
  RATE_PERIOD_SECONDS,
  log,
  numberVar,
} from "./config";

export interface Limiter {
  limit(options: { key: string }): Promise<{ success: boolean }>;
}

/** A fixed-window counter per key, in memory (one isolate). */
export class MemoryLimiter implements Limiter {
  private window = -1;
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly max: number,
    private readonly periodSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  async limit({ key }: { key: string }): Promise<{ success: boolean }> {
    const window = Math.floor(this.now() / (this.periodSeconds * 1000));
    if (window !== this.window) {
      this.window = window;
      this.counts.clear();
    }
    const used = this.counts.get(key) ?? 0;
    if (used >= this.max) return { success: false };
    this.counts.set(key, used + 1);
    return { success: true };
  }
}

const fallbackRequests = new MemoryLimiter(FALLBACK_RATE_LIMIT, RATE_PERIOD_SECONDS);
const fallbackFailures = new MemoryLimiter(FALLBACK_FAILURE_LIMIT, FAILURE_PERIOD_SECONDS);

/** Expand an IPv6 address to its 8 groups; null when it is not one. */
export function expandIPv6(ip: string): string[] | null {
  if (!ip.includes(":")) return null;
  const [head = "", tail, ...rest] = ip.split("::");
  if (rest.length > 0) return null;
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  // An embedded IPv4 tail (::ffff:1.2.3.4) counts as two groups.
  const last = right.length ? right[right.length - 1] : left[left.length - 1];
  const v4 = last !== undefined && last.includes(".") ? 1 : 0;
  const missing = 8 - left.length - right.length - v4;
  if (tail === undefined ? missing !== 0 : missing < 1) return null;
  const groups = [...left, ...Array<string>(tail === undefined ? 0 : missing).fill("0"), ...right];
  return groups.map((g) => (g.includes(".") ? g : g.toLowerCase().padStart(4, "0")));
}

/** The bucket an address is counted in: the IPv4 address, or the /64 of an IPv6 one (one subscriber). */
export function ipBucket(ip: string): string {
  const groups = expandIPv6(ip.trim());
  if (groups === null) return ip.trim() || "unknown";
  return `${groups.slice(0, 4).join(":")}::/64`;
}

/** The client's address as Cloudflare saw it (CF-Connecting-IP is set by the edge, not the client). */
export function clientIp(request: Request): string {
  return request.headers.get("cf-connecting-ip")?.trim() || "unknown";
}

export function retryAfterSeconds(until: number, now: number): number {
  return Math.max(1, Math.ceil((until - now) / 1000));
}

/** Lockouts of client IPs after repeated bad keys. */
export class Lockouts {
  private readonly until = new Map<string, number>();

  /** The time (ms) until which the IP is locked out, or 0. */
  async lockedUntil(ip: string, env: Env, now: number = Date.now()): Promise<number> {
    const bucket = ipBucket(ip);
    const known = this.until.get(bucket);
    if (known !== undefined) {
      if (known > now) return known;
      this.until.delete(bucket);
    }
    if (!env.CACHE) return 0;
    try {
      const stored = Number(await env.CACHE.get(lockKey(bucket)));
      if (Number.isFinite(stored) && stored > now) {
        this.until.set(bucket, stored);
        return stored;
      }
    } catch (err) {
      log("warn", "lockout_read_failed", { error: String(err) });
    }
    return 0;
  }

  /** Count a bad key; past the allowance, lock the IP out. Returns the lockout's end (ms) or 0. */
  async recordFailure(ip: string, env: Env, now: number = Date.now()): Promise<number> {
    const bucket = ipBucket(ip);
    const limiter: Limiter = env.AUTH_FAILURES ?? fallbackFailures;
    const { success } = await limiter.limit({ key: `ip:${bucket}` });
    if (success) return 0;
    const seconds = numberVar(env.LOCKOUT_SECONDS, 900);
    const until = now + seconds * 1000;
    this.until.set(bucket, until);
    log("warn", "ip_locked_out", { ip: bucket, seconds });
    try {
      // KV entries live at least 60 s; the stored end time is what counts.
      await env.CACHE?.put(lockKey(bucket), String(until), { expirationTtl: Math.max(60, Math.ceil(seconds)) });
    } catch (err) {
      log("warn", "lockout_write_failed", { error: String(err) });
    }
    return until;
  }
}

export function lockKey(bucket: string): string {
  return `lock:${bucket}`;
}

export const lockouts = new Lockouts();

/** Count one request of a key (by its id); false when the key is over its limit. */
export async function allowRequest(id: string, env: Env): Promise<boolean> {
  const limiter: Limiter = env.RATE_LIMITER ?? fallbackRequests;
  const { success } = await limiter.limit({ key: `key:${id}` });
  return success;
}
