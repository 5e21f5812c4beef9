"""Encryption of cookies at rest (Fernet: AES-128-CBC + HMAC-SHA256, from `cryptography`).

The key comes from KEYPICK_SECRET_KEY (any string; it is stretched with SHA-256). In development
without it, a random key is created once in the data dir (`secret.key`, mode 0600) so cookies are
still never stored in plain text; production refuses to store cookies without KEYPICK_SECRET_KEY.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from keypick.exceptions import ConfigError


class CookieCipher:
    """Encrypts and decrypts cookie strings."""

    def __init__(self, secret: str) -> None:
        key = base64.urlsafe_b64encode(hashlib.sha256(secret.encode("utf-8")).digest())
        self._fernet = Fernet(key)

    def encrypt(self, plain: str) -> str:
        """Return the token of a cookie string."""
        return self._fernet.encrypt(plain.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        """Return the cookie string of a token; ConfigError when the key changed."""
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken as exc:
            raise ConfigError(
                "a stored cookie cannot be decrypted: KEYPICK_SECRET_KEY changed since it was saved; "
                "set the old key back or add the account again"
            ) from exc


def load_cipher(*, secret: str, data_dir: Path, production: bool) -> CookieCipher:
    """Return the cipher from KEYPICK_SECRET_KEY, or the data dir's key file in development."""
    if secret:
        return CookieCipher(secret)
    if production:
        raise ConfigError("ENVIRONMENT=production needs KEYPICK_SECRET_KEY to store platform cookies encrypted")
    path = data_dir / "secret.key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(base64.urlsafe_b64encode(os.urandom(32)).decode("ascii"))
    return CookieCipher(path.read_text().strip())
