"""PURE: a short snippet of the original text around the matches, with <mark> around them."""

from __future__ import annotations

import html
import re


def snippet(text: str, words: list[str], *, width: int = 80) -> str:
    """Return an HTML-escaped excerpt of `text` (about `width` chars) with each word wrapped in <mark>."""
    if not text:
        return ""
    needles = sorted({w for w in words if w}, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(w) for w in needles), re.IGNORECASE) if needles else None
    first = pattern.search(text) if pattern else None
    start = max(0, (first.start() if first else 0) - width // 3)
    end = min(len(text), start + width)
    piece = text[start:end]
    out = html.escape(piece) if pattern is None else pattern.sub(lambda m: f"\0{m.group(0)}\1", piece)
    if pattern is not None:
        out = html.escape(out).replace("\0", "<mark>").replace("\1", "</mark>")
    return ("…" if start > 0 else "") + out.replace("\n", " ") + ("…" if end < len(text) else "")
