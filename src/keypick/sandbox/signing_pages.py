"""Sandbox stand-ins for the signing scripts of the Douyin, Zhihu and Kuaishou pages.

These are SANDBOX HOOKS, not the platforms' algorithms: the real pages sign with
their own obfuscated code, which KeyPick never reimplements. Each sandbox page
hooks the same places the real one does (douyin: fetch/XHR add `a_bogus`; zhihu:
fetch adds `x-zse-96`/`x-zst-81`; kuaishou: a `$encode` signer object found through
`caver`, platforms.md §3.2), but its signature is an HMAC-SHA256 with a secret
embedded in the page. That is enough to prove a request really went through the
page's script: `verify_signature` recomputes it server-side.

Canonical strings (what is signed):
    douyin    raw path + "?" + raw query without a_bogus, "\\n", the User-Agent
    zhihu     raw path + "?" + raw query, "\\n", the d_c0 cookie (no d_c0: no x-zse-96)
    kuaishou  the `url` given to $encode (the API path on the real host), "\\n",
              the request body as compact JSON (JSON.stringify)
"""

from __future__ import annotations

import hashlib
import hmac
import json
from urllib.parse import parse_qsl, quote

from starlette.requests import Request

from keypick.browser.scripts import KS_FIND_REALM_JS, KS_SIGN_JS

PLATFORMS = ("douyin", "zhihu", "kuaishou")
HOSTS = {"douyin": "www.douyin.com", "zhihu": "www.zhihu.com", "kuaishou": "www.kuaishou.com"}
TITLES = {"douyin": "抖音-记录美好生活", "zhihu": "知乎 - 有问题，就会有答案", "kuaishou": "快手短视频-拥抱每一种生活"}
#: A fixed stand-in for Zhihu's x-zst-81 token (the real one is a long opaque constant).
X_ZST_81 = "3_2.0keypick-sandbox-x-zst-81"

_SECRETS = {p: f"keypick-sandbox-{p}-page-secret".encode() for p in PLATFORMS}
_SIG_PARAMS = {"douyin": "a_bogus", "kuaishou": "__NS_hxfalcon"}

# A small synchronous SHA-256/HMAC: XMLHttpRequest.open is synchronous, so WebCrypto
# (async) could not sign there. Round constants are derived from primes as in FIPS 180-4.
_HMAC_JS = """
const __kpHmac = (() => {
  const K = [], H = [];
  for (let n = 2; K.length < 64; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) if (n % d === 0) { prime = false; break; }
    if (!prime) continue;
    if (H.length < 8) H.push((Math.pow(n, 1 / 2) * 4294967296) | 0);
    K.push((Math.pow(n, 1 / 3) * 4294967296) | 0);
  }
  const ror = (x, n) => (x >>> n) | (x << (32 - n));
  const sha256 = (bytes) => {
    const padded = new Uint8Array(((bytes.length + 72) >> 6) << 6);
    padded.set(bytes);
    padded[bytes.length] = 0x80;
    const view = new DataView(padded.buffer);
    view.setUint32(padded.length - 8, Math.floor(bytes.length / 0x20000000));
    view.setUint32(padded.length - 4, bytes.length * 8);
    const h = H.slice(), w = new Array(64);
    for (let off = 0; off < padded.length; off += 64) {
      for (let i = 0; i < 64; i++) {
        if (i < 16) { w[i] = view.getUint32(off + i * 4) | 0; continue; }
        const a = w[i - 15], b = w[i - 2];
        const s0 = ror(a, 7) ^ ror(a, 18) ^ (a >>> 3), s1 = ror(b, 17) ^ ror(b, 19) ^ (b >>> 10);
        w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
      }
      let [a, b, c, d, e, f, g, k] = h;
      for (let i = 0; i < 64; i++) {
        const t1 = (k + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
        const t2 = ((ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        k = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      [a, b, c, d, e, f, g, k].forEach((x, i) => { h[i] = (h[i] + x) | 0; });
    }
    const out = new Uint8Array(32), ov = new DataView(out.buffer);
    h.forEach((x, i) => ov.setUint32(i * 4, x >>> 0));
    return out;
  };
  const utf8 = new TextEncoder();
  return (secret, text) => {
    const key = new Uint8Array(64);
    key.set(utf8.encode(secret));
    const msg = utf8.encode(text);
    const inner = new Uint8Array(64 + msg.length);
    inner.set(key.map((x) => x ^ 0x36));
    inner.set(msg, 64);
    const outer = new Uint8Array(96);
    outer.set(key.map((x) => x ^ 0x5c));
    outer.set(sha256(inner), 64);
    return Array.from(sha256(outer), (x) => x.toString(16).padStart(2, "0")).join("");
  };
})();
"""

_DOUYIN_JS = """
(() => {
  const signed = (raw) => {
    const url = new URL(raw, location.href);
    if (!url.pathname.includes("/aweme/") || url.searchParams.has("a_bogus")) return raw;
    const sig = __kpHmac(SECRET, url.pathname + url.search + "\\n" + navigator.userAgent);
    return url.origin + url.pathname + url.search + (url.search ? "&" : "?") + "a_bogus=" + sig + url.hash;
  };
  const fetch0 = window.fetch;
  window.fetch = function (input, init) {
    if (input instanceof Request) {
      const url = signed(input.url);
      if (url !== input.url) input = new Request(url, input);
    } else {
      input = signed(String(input));
    }
    return fetch0.call(this, input, init);
  };
  const open0 = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    return open0.call(this, method, signed(String(url)), ...rest);
  };
  // msToken lives in localStorage["xmst"] on the real page (platforms.md §2.1).
  if (!localStorage.getItem("xmst")) localStorage.setItem("xmst", "sandbox-" + Math.random().toString(36).slice(2));
})();
"""

_ZHIHU_JS = """
(() => {
  const cookie = (name) => {
    const hit = document.cookie.split("; ").find((part) => part.startsWith(name + "="));
    return hit ? hit.slice(name.length + 1) : "";
  };
  const fetch0 = window.fetch;
  window.fetch = function (input, init) {
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    if (!url.pathname.includes("/api/")) return fetch0.call(this, input, init);
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    headers.set("x-zse-93", "101_3_3.0");
    headers.set("x-zst-81", ZST);
    const dc0 = cookie("d_c0");
    if (dc0) headers.set("x-zse-96", "2.0_" + __kpHmac(SECRET, url.pathname + url.search + "\\n" + dc0));
    return fetch0.call(this, input, { ...init, headers });
  };
})();
"""

_KUAISHOU_JS = """
(() => {
  // The real page builds its signer after its bundles load: a short delay keeps waiting honest.
  setTimeout(() => {
    const signer = {
      $getCatVersion() { return 2; },
      $encode(request, callbacks) {
        try {
          callbacks.suc(__kpHmac(SECRET, request.url + "\\n" + JSON.stringify(request.requestBody ?? {})));
        } catch (e) {
          callbacks.err(e);
        }
      },
      call(name, args) { return this[name](...args); },
    };
    signer.caver = 2;
  }, 30);
})();
"""

_SCRIPTS = {"douyin": _DOUYIN_JS, "zhihu": _ZHIHU_JS, "kuaishou": _KUAISHOU_JS}


def signing_page(platform: str) -> str:
    """Return the sandbox HTML page of `platform` with its signing hook inlined; KeyError if unknown."""
    script = _SCRIPTS[platform]
    consts = f"const SECRET = {json.dumps(_SECRETS[platform].decode())};\nconst ZST = {json.dumps(X_ZST_81)};\n"
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        # No favicon: the browser would fetch /favicon.ico, a stray entry in the sandbox request log.
        f'<title>{TITLES[platform]}</title><link rel="icon" href="data:,">\n'
        "<script>\n/* KeyPick sandbox hook: stands in for the platform's own (obfuscated) signer. */\n"
        f"{consts}{_HMAC_JS}{script}</script></head>\n"
        f'<body><div id="root" data-keypick-sandbox="{platform}"></div></body></html>\n'
    )


def sign(platform: str, canonical: str) -> str:
    """Return the sandbox signature (hex HMAC-SHA256) of a canonical string, as the page computes it."""
    return hmac.new(_SECRETS[platform], canonical.encode(), hashlib.sha256).hexdigest()


def verify_signature(platform: str, request: Request, body: bytes = b"") -> bool:
    """Return True when the request carries the signature the sandbox page would have made for it."""
    if platform == "douyin":
        given, target = _take_param(request, "a_bogus")
        canonical = f"{target}\n{request.headers.get('user-agent', '')}"
    elif platform == "zhihu":
        header = request.headers.get("x-zse-96", "")
        dc0 = _raw_cookie(request, "d_c0")
        given = header.removeprefix("2.0_") if header.startswith("2.0_") and dc0 else ""
        canonical = f"{_raw_target(request)}\n{dc0}"
    elif platform == "kuaishou":
        given, _ = _take_param(request, "__NS_hxfalcon")
        try:
            payload = json.loads(body) if body.strip() else {}
        except ValueError:
            return False
        compact = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        canonical = f"{_real_path(request, platform)}\n{compact}"
    else:
        raise KeyError(platform)
    return bool(given) and hmac.compare_digest(given, sign(platform, canonical))


def _raw_path(request: Request) -> str:
    # raw_path is what the client sent (percent-encoding intact); path is already decoded.
    raw = request.scope.get("raw_path")
    return raw.decode("latin-1") if raw else quote(request.url.path)


def _raw_target(request: Request) -> str:
    query = request.scope.get("query_string", b"").decode("latin-1")
    return _raw_path(request) + (f"?{query}" if query else "")


def _take_param(request: Request, name: str) -> tuple[str, str]:
    """Return (the param's value, raw path + query without it), the query left byte-for-byte as sent."""
    query = request.scope.get("query_string", b"").decode("latin-1")
    kept, value = [], ""
    for part in query.split("&") if query else []:
        if part.partition("=")[0] == name:
            value = dict(parse_qsl(part)).get(name, "")
        else:
            kept.append(part)
    rest = "&".join(kept)
    return value, _raw_path(request) + (f"?{rest}" if rest else "")


def _real_path(request: Request, platform: str) -> str:
    """Return the path on the real host: the sandbox routes it as /{host}/path."""
    return _raw_path(request).removeprefix(f"/{HOSTS[platform]}")


def _raw_cookie(request: Request, name: str) -> str:
    # Read the header by hand: Starlette unquotes values, the page signs them as they are.
    for part in request.headers.get("cookie", "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return ""


__all__ = [
    "HOSTS",
    "KS_FIND_REALM_JS",
    "KS_SIGN_JS",
    "PLATFORMS",
    "X_ZST_81",
    "sign",
    "signing_page",
    "verify_signature",
]
