"""Pure text features of a post: hashtags (#x#), @mentions, URLs, and the text the word metrics read."""

from __future__ import annotations

import re

from keypick.content.schemas import Post

# Weibo and Xiaohongshu write topics as #话题#; Xiaohongshu appends "[话题]" inside the marks.
HASHTAG_RE = re.compile(r"#([^#\n]{1,64})#")
_XHS_TOPIC_SUFFIX = "[话题]"
# Not after a word char or dot, so e-mail addresses (a@b.com) are not mentions.
MENTION_RE = re.compile(r"(?<![\w.])@([\w\-·]{1,30})")
URL_RE = re.compile(r"https?://[^\s<>\"'，。！？、；）)\]】」]+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?"
EMOTICON_RE = re.compile(r"\[[^\[\]\s]{1,8}\]")


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def hashtags(text: str) -> list[str]:
    """Return the #topics# of a text in order, without the marks, each once."""
    tags = []
    for match in HASHTAG_RE.finditer(text or ""):
        tag = match.group(1).removesuffix(_XHS_TOPIC_SUFFIX).strip()
        if tag:
            tags.append(tag)
    return _unique(tags)


def mentions(text: str) -> list[str]:
    """Return the @names of a text in order, each once."""
    return _unique([m.group(1).rstrip("-·") for m in MENTION_RE.finditer(text or "") if m.group(1).rstrip("-·")])


def urls(text: str) -> list[str]:
    """Return the http(s) URLs written in a text, trailing punctuation removed, each once."""
    return _unique([m.group(0).rstrip(_URL_TRAILING) for m in URL_RE.finditer(text or "")])


def full_text(post: Post) -> str:
    """Return title and content as one text."""
    return "\n".join(part for part in (post.title or "", post.content or "") if part.strip())


def word_text(post: Post) -> str:
    """Return the text to find words in: title and content without URLs, @mentions and [emoticons]."""
    return EMOTICON_RE.sub(" ", MENTION_RE.sub(" ", URL_RE.sub(" ", full_text(post))))


def post_tags(post: Post) -> list[str]:
    """Return the post's tags plus the #topics# found in its text, each once."""
    stored = [t.strip().removesuffix(_XHS_TOPIC_SUFFIX).strip() for t in post.tags]
    return _unique([t for t in stored if t] + hashtags(full_text(post)))
