"""PURE: jieba segmentation for the index and the query language (phrases, exclusions).

Documents are indexed as their precise-mode tokens in order (so adjacent tokens form
phrases), followed by the extra tokens of search mode (sub-words such as 咖啡 inside
手冲咖啡豆) for recall. Queries use precise mode, so a word typed by a user segments
the way the same word in a post does.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

import jieba

jieba.setLogLevel(60)  # its start-up chatter goes to stderr otherwise

_WORD = re.compile(r"\w", re.UNICODE)
_PUNCTUATION = re.compile(r"[^\w\s]+", re.UNICODE)


def warm() -> None:
    """Load jieba's dictionary now (about a second of CPU) instead of inside the first ingest."""
    jieba.initialize()


def _keep(token: str) -> str | None:
    token = token.strip().lower()
    return token if token and _WORD.search(token) else None


def _tokens(text: str) -> list[str]:
    return [t for t in map(_keep, jieba.cut(text, HMM=False)) if t]


def _sub_words(word: str) -> list[str]:
    # What jieba.cut_for_search adds around a precise-mode word: its 2- and 3-character dictionary words.
    freq = jieba.dt.FREQ
    grams = [word[i : i + 2] for i in range(len(word) - 1)] if len(word) > 2 else []
    if len(word) > 3:
        grams += [word[i : i + 3] for i in range(len(word) - 2)]
    return [g for g in grams if freq.get(g)]


def segment(*texts: str | None) -> str:
    """Return the index text of a document: precise tokens, then extra search-mode tokens."""
    text = "\n".join(t for t in texts if t)
    # One jieba pass: cut_for_search is cut plus the dictionary sub-words of each word, so derive those here.
    words = list(jieba.cut(text, HMM=False))
    precise = [t for t in map(_keep, words) if t]
    seen = set(precise)
    extra: list[str] = []
    for word in words:
        if len(word) < 3:  # most words: nothing to add, skip the call
            continue
        for gram in _sub_words(word):
            token = _keep(gram)
            if token and token not in seen:
                seen.add(token)
                extra.append(token)
    return " ".join(precise + extra)


@dataclass
class Query:
    """A parsed search: each term is a token sequence (a phrase when longer than one token)."""

    include: list[list[str]] = field(default_factory=list)
    exclude: list[list[str]] = field(default_factory=list)
    words: list[str] = field(default_factory=list)  #: the user's own words, for highlighting
    any_term: bool = False  #: match posts with any included term (ranked by how many and how well), not all

    @property
    def empty(self) -> bool:
        """True when nothing positive is searched for."""
        return not self.include


def parse_query(q: str, *, any_term: bool = False, ignore: frozenset[str] = frozenset()) -> Query:
    """Parse `"手冲 咖啡" 拿铁 -速溶`: quoted phrases, plain words (AND), -word exclusions.

    `any_term` (natural-language questions, as Dify asks them): a post needs only one included term, and
    single-character terms and those in `ignore` (stopwords such as 吗, 一起) are dropped unless nothing
    else is left.
    """
    try:
        parts = shlex.split(q.replace("“", '"').replace("”", '"'), posix=True)
    except ValueError:
        parts = q.replace('"', " ").split()
    query = Query(any_term=any_term)
    for part in parts:
        negative = part.startswith("-") and len(part) > 1
        word = part[1:] if negative else part
        if negative or not any_term or " " in word.strip():  # a quoted phrase stays one term
            terms = [[t for piece in word.split() for t in _tokens(piece)]]
        else:  # each word of a question is a term of its own
            terms = [[t] for t in _tokens(word)]
        for tokens in (t for t in terms if t):
            (query.exclude if negative else query.include).append(tokens)
        if not negative:
            # Highlight what the text can contain: punctuation typed around a word is not part of it.
            query.words.extend(w for w in (_PUNCTUATION.sub("", w) for w in word.split()) if w)
    if any_term and ignore:
        # Single characters (去, 吧) carry little of a question's meaning; so do stopwords.
        kept = [t for t in query.include if len(t) > 1 or (len(t[0]) > 1 and t[0] not in ignore)]
        if kept:
            query.include = kept
    return query


def fts5_expression(query: Query) -> str:
    """Return the SQLite FTS5 MATCH expression of a query."""

    def phrase(tokens: list[str]) -> str:
        return '"' + " ".join(t.replace('"', '""') for t in tokens) + '"'

    expr = (" OR " if query.any_term else " AND ").join(phrase(t) for t in query.include)
    if query.any_term and len(query.include) > 1:
        expr = f"({expr})"
    for tokens in query.exclude:
        expr += f" NOT {phrase(tokens)}"
    return expr


def tsquery_expression(query: Query) -> str:
    """Return the PostgreSQL to_tsquery('simple', ...) expression of a query (<-> for phrases)."""

    def lexeme(token: str) -> str:
        return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"

    def phrase(tokens: list[str]) -> str:
        return "(" + " <-> ".join(lexeme(t) for t in tokens) + ")"

    included = [phrase(t) for t in query.include]
    if query.any_term and len(included) > 1:
        included = ["(" + " | ".join(included) + ")"]
    return " & ".join(included + [f"!{phrase(t)}" for t in query.exclude])
