/**
 * API keys: the same forms the backend accepts (src/keypick/api/auth.py).
 *
 * X-API-Key, Authorization with any run of "Bearer"/"Basic" prefixes or none (Dify sends "Basic <key>" by
 * default, "<key>" when custom, and "Bearer Bearer <key>" in dify#35974), a real Basic credential
 * base64("user:password") where either half may be the key, and ?key=. Every candidate is compared with
 * every key in constant time, without an early exit.
 */

const PREFIX = /^(?:(?:bearer|basic)\s+)+/i;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const encoder = new TextEncoder();

/** The configured keys (comma-separated, blanks dropped). */
export function parseKeys(raw: string | undefined): string[] {
  return (raw ?? "")
    .split(",")
    .map((k) => k.trim())
    .filter((k) => k.length > 0);
}

export function stripPrefixes(value: string): string {
  return value.trim().replace(PREFIX, "").trim();
}

/** Decode a Basic credential into its user and password halves; [] when it is not one. */
export function basicHalves(value: string): string[] {
  if (value.length % 4 !== 0 || !BASE64.test(value)) return [];
  try {
    const binary = atob(value);
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
    const colon = text.indexOf(":");
    const halves = colon < 0 ? [text] : [text.slice(0, colon), text.slice(colon + 1)];
    return halves.filter((h) => h.length > 0);
  } catch {
    return [];
  }
}

/** Every key the request may carry, in the backend's order. */
export function candidates(headers: Headers, url: URL): string[] {
  const found: string[] = [];
  const header = headers.get("x-api-key");
  if (header) found.push(stripPrefixes(header));
  const auth = headers.get("authorization") ?? "";
  if (auth.trim()) {
    const raw = stripPrefixes(auth);
    found.push(raw, ...basicHalves(raw));
  }
  const query = url.searchParams.get("key");
  if (query) found.push(query.trim());
  return found.filter((c) => c.length > 0);
}

/** Compare two strings in time that depends only on their lengths' maximum, never on where they differ. */
export function timingSafeEqual(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  const length = Math.max(x.length, y.length);
  let diff = x.length ^ y.length;
  for (let i = 0; i < length; i++) {
    diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  }
  return diff === 0;
}

/** The matching key, or null. Every candidate meets every key: no early exit. */
export function matchKey(found: string[], keys: string[]): string | null {
  let match: string | null = null;
  for (const candidate of found) {
    for (const key of keys) {
      if (timingSafeEqual(candidate, key) && match === null) match = key;
    }
  }
  return match;
}

/** A short, stable, non-secret id of a key (rate-limit buckets, logs). */
export async function keyId(key: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", encoder.encode(`keypick-key:${key}`));
  return [...new Uint8Array(digest).slice(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
