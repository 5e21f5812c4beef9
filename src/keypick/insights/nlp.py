"""Typed wrappers around jieba (tokens, IDF) and SnowNLP (sentiment), loaded on first use.

Both libraries are untyped and slow to import (dictionaries, models), so they are
imported here, lazily, and nowhere else. `TextTools` is what the metrics use; tests
may pass their own.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Protocol

_WORDISH_RE = re.compile(r"[\w]", re.UNICODE)
_HAS_LETTER_RE = re.compile(r"[^\W\d_]", re.UNICODE)
_lock = threading.Lock()


class TextTools(Protocol):
    """What the metrics need from a language toolkit."""

    def tokens(self, text: str) -> list[str]:
        """Return the word tokens of a text (no whitespace or punctuation)."""
        ...

    def idf(self, word: str) -> float:
        """Return the inverse document frequency of a word."""
        ...

    def sentiment(self, text: str) -> float:
        """Return the probability (0..1) that a text is positive."""
        ...


@cache
def _jieba() -> Any:
    with _lock:
        import jieba

        # jieba logs its dictionary loading at DEBUG straight to stderr on every process start.
        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        return jieba


@cache
def _idf_table() -> tuple[dict[str, float], float]:
    _jieba()
    import jieba.analyse

    # A private TFIDF instance: the module-level one is shared mutable state (stop words).
    extractor = jieba.analyse.TFIDF()
    table: dict[str, float] = dict(extractor.idf_freq)
    return table, float(extractor.median_idf)


@cache
def _snownlp() -> Any:
    from snownlp import SnowNLP

    return SnowNLP


@cache
def stopwords() -> frozenset[str]:
    """Return the Chinese (and common English) stop words shipped with KeyPick."""
    text = resources.files("keypick.insights").joinpath("stopwords_zh.txt").read_text(encoding="utf-8")
    words = (line.strip().lower() for line in text.splitlines())
    return frozenset(w for w in words if w and not w.startswith("#"))


def is_keyword_candidate(token: str) -> bool:
    """Return True for a token that may be a topic keyword: 2+ chars, a letter or CJK char, not a stop word."""
    return len(token) >= 2 and bool(_HAS_LETTER_RE.search(token)) and token.lower() not in stopwords()


@dataclass(frozen=True)
class DefaultTextTools:
    """jieba for tokens and IDF, SnowNLP for sentiment."""

    def tokens(self, text: str) -> list[str]:
        """Return jieba's tokens of a text, without whitespace and punctuation."""
        if not text:
            return []
        words: list[Any] = _jieba().lcut(text)
        return [str(w).strip() for w in words if _WORDISH_RE.search(str(w))]

    def idf(self, word: str) -> float:
        """Return jieba's IDF of a word (the median IDF for words it does not know)."""
        table, median = _idf_table()
        return table.get(word, median)

    def sentiment(self, text: str) -> float:
        """Return SnowNLP's positive probability of a text (0.5 for an empty text)."""
        if not text.strip():
            return 0.5
        value = float(_snownlp()(text).sentiments)
        return min(1.0, max(0.0, value))


DEFAULT_TOOLS: TextTools = DefaultTextTools()
