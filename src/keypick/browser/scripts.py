"""Page-side glue scripts for the browser signer (they call the page's own signer; no algorithm here).

Kuaishou (platforms.md §3.2): the page builds a signer object with `$encode` and
`$getCatVersion` and then sets `caver` on it. `KS_FIND_REALM_JS`, added as an init
script before the page's own scripts, hooks that assignment and keeps the object as
`window.__ks_realm`; `KS_SIGN_JS` then waits for it and asks it to sign a request.
"""

from __future__ import annotations

#: Init script: a one-shot setter on Object.prototype.caver that captures the signer object.
KS_FIND_REALM_JS = """
(() => {
  const key = "caver";
  Object.defineProperty(Object.prototype, key, {
    configurable: true,
    set(value) {
      // Every object that sets caver still gets it as an ordinary own property.
      try {
        Object.defineProperty(this, key, { value, writable: true, enumerable: true, configurable: true });
      } catch (e) {}
      if (typeof this.$encode === "function" && typeof this.$getCatVersion === "function") {
        window.__ks_realm = this;
        delete Object.prototype[key];
      }
    },
  });
})();
"""

#: Function expression for `evaluate`: arg {url, requestBody, query?, form?, waitMs?} → signature string.
KS_SIGN_JS = """
async ({ url, requestBody, query, form, waitMs }) => {
  // The page loads its signer asynchronously; MC waits up to 15 s for it.
  const deadline = Date.now() + (waitMs ?? 15000);
  while (!window.__ks_realm) {
    if (Date.now() > deadline) throw new Error("kuaishou signer not found (window.__ks_realm)");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return await new Promise((resolve, reject) => {
    const request = { url, query: query ?? { caver: 2 }, form: form ?? {}, requestBody: requestBody ?? {} };
    window.__ks_realm.call("$encode", [request, { suc: resolve, err: (e) => reject(new Error(String(e))) }]);
  });
}
"""

__all__ = ["KS_FIND_REALM_JS", "KS_SIGN_JS"]
