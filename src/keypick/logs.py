"""Logging setup, with secrets scrubbed from every record."""

from __future__ import annotations

import logging
import re
import sys
from typing import TextIO
from urllib.parse import unquote_plus

# Cookie headers, API keys and tokens must never reach a log line. A bare "key" counts too: access logs
# print URLs, and clients that cannot set headers (Dify's MCP form) send ?key=<api key>.
_SECRET = re.compile(
    r"(?i)((?:cookie|x-api-key|authorization|x-internal-key|api_key|apikey|(?<![\w-])key|token|secret|password)"
    r"[\"']?\s*[:=]\s*[\"']?(?:(?:Bearer|Basic)\s+)?)([^\s\"',;}&]+(?:;\s*[^\s\"',;}]+=[^\s\"',;}&]+)*)"
)
# Query parameters, whose names the server percent-decodes (?k%65y=... authenticates like ?key=...).
_QUERY_PARAM = re.compile(r"([?&])([^=&\s\"?#]+)=([^&\s\"#]*)")
_SECRET_PARAMS = {"key", "api_key", "apikey", "x-api-key", "token", "access_token", "secret", "password"}


def _redact_param(match: re.Match[str]) -> str:
    name = unquote_plus(match.group(2)).strip().lower()
    return match.group(0) if name not in _SECRET_PARAMS else f"{match.group(1)}{match.group(2)}=***"


def redact(text: str) -> str:
    """Return the text with secret-looking values replaced by ***."""
    return _SECRET.sub(lambda m: m.group(1) + "***", _QUERY_PARAM.sub(_redact_param, text))


class RedactingFilter(logging.Filter):
    """Rewrites each record's message with secrets removed."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Scrub the formatted message; always keep the record."""
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is at emit time (it may be swapped, e.g. by test runners)."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def setup(level: str = "INFO") -> None:
    """Configure root logging once: one line per record, secrets scrubbed."""
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # mcp.server.streamable_http logs "Terminating session: None" at INFO for every stateless /mcp call.
    for noisy in ("httpx", "alembic", "mcp.server.streamable_http"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
