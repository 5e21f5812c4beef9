"""Pure helpers of the summary: chunking posts by a character budget, and enforcing [post id] citations."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from keypick.content.schemas import Post
from keypick.insights import features
from keypick.reports.schemas import SummarySentence

_BRACKET_RE = re.compile(r"[\[【]([^\[\]【】\n]{1,400})[\]】]")
_SEPARATORS_RE = re.compile(r"[,，、;；\s]+")
# What a cited id looks like: every platform's ids have digits (numeric, hex, BV1..., base62), 4+ chars.
# Words such as "post" in "[post 123]" are not ids and are ignored.
_ID_LIKE_RE = re.compile(r"^(?=.*\d)[A-Za-z0-9_\-]{4,}$")
_ID_PREFIXES = ("post:", "id:", "#")
_ENDERS = "。！？!?"
_POST_CHARS = 1200  # one post's text in a prompt; longer texts are cut (the id stays)


def post_line(post: Post, *, limit: int = _POST_CHARS) -> str:
    """Return one post as a prompt line: [id] (platform, day, likes) text."""
    text = " ".join(features.full_text(post).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    day = post.publish_time.date().isoformat() if post.publish_time else "undated"
    return f"[{post.id}] ({post.platform}, {day}, likes {post.likes if post.likes is not None else '?'}) {text}"


def chunk_lines(lines: Sequence[tuple[str, str]], *, budget: int) -> list[list[tuple[str, str]]]:
    """Return (id, line) pairs packed in order into chunks of at most `budget` characters (one line minimum)."""
    chunks: list[list[tuple[str, str]]] = []
    size = 0
    for item in lines:
        length = len(item[1]) + 1
        if chunks and size + length <= budget:
            chunks[-1].append(item)
            size += length
        else:
            chunks.append([item])
            size = length
    return chunks


def split_sentences(text: str) -> list[str]:
    """Return the sentences of a text; citations written after the full stop stay with their sentence."""
    sentences: list[str] = []
    for line in text.splitlines():
        rest = line.strip()
        while rest:
            cut = _sentence_end(rest)
            sentence, rest = rest[:cut].strip(), rest[cut:].strip()
            if any(ch.isalnum() for ch in sentence):
                sentences.append(sentence)
    return sentences


def _sentence_end(text: str) -> int:
    i = 0
    while i < len(text):
        ch = text[i]
        is_end = ch in _ENDERS or (ch == "." and (i + 1 == len(text) or text[i + 1].isspace()))
        if is_end:
            i += 1
            while i < len(text) and (text[i] in _ENDERS or text[i] == "."):
                i += 1
            # Trailing "[id]" groups after the stop belong to this sentence.
            while (match := _BRACKET_RE.match(text, _skip_spaces(text, i))) is not None:
                i = match.end()
            return i
        i += 1
    return len(text)


def _skip_spaces(text: str, i: int) -> int:
    while i < len(text) and text[i] == " ":
        i += 1
    return i


def _tokens(group: str) -> list[str]:
    out = []
    for token in _SEPARATORS_RE.split(group.strip()):
        low = token.lower()
        for prefix in _ID_PREFIXES:
            if low.startswith(prefix) and len(token) > len(prefix):
                token = token[len(prefix) :]
                break
        if token:
            out.append(token)
    return out


def check_sentence(sentence: str, known_ids: Collection[str]) -> SummarySentence:
    """Return the sentence with its cited ids; valid only if it cites at least one id and no unknown one."""
    cited: list[str] = []
    unknown: list[str] = []
    for match in _BRACKET_RE.finditer(sentence):
        for token in _tokens(match.group(1)):
            if token in known_ids:
                cited.append(token)
            elif _ID_LIKE_RE.match(token):
                unknown.append(token)
    cited, unknown = list(dict.fromkeys(cited)), list(dict.fromkeys(unknown))
    reason = None
    if unknown:
        reason = f"cites id(s) not in the data: {', '.join(unknown)}"
    elif not cited:
        reason = "no [post id] citation"
    return SummarySentence(text=sentence, cited_ids=cited, unknown_ids=unknown, valid=reason is None, reason=reason)


def check_text(text: str, known_ids: Collection[str]) -> list[SummarySentence]:
    """Return every sentence of a model answer, checked against the known ids."""
    return [check_sentence(s, known_ids) for s in split_sentences(text)]
