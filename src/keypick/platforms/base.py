"""The contract between the crawl engine and a platform adapter.

An adapter turns "keyword + cursor" into a page of normalized posts, and a post
into pages of comments. Its client does the IO through `PlatformHttp` (which
applies politeness and sandbox routing); its parsers are pure.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from keypick.content.schemas import Author, Comment, Post
from keypick.enums import Platform, SortBy

Cursor = dict[str, Any]


class CrawlMode(StrEnum):
    """What a task's `keywords` are: search words, or author ids whose own posts are collected."""

    SEARCH = "search"
    CREATOR = "creator"


class ContentType(StrEnum):
    """Which kind of post a search asks for; adapters map it to their native type filter."""

    ALL = "all"
    VIDEO = "video"
    IMAGE = "image"  #: image/text notes (Xiaohongshu)
    ANSWER = "answer"  #: Zhihu answers
    ARTICLE = "article"  #: Zhihu articles


@dataclass(frozen=True)
class SearchOptions:
    """What a search should ask the platform for; adapters map these to native filters."""

    sort_by: SortBy = SortBy.HOT
    since: datetime | None = None
    until: datetime | None = None
    content_type: ContentType = ContentType.ALL


@dataclass
class SearchPage:
    """One page of search results.

    `next_cursor` is None when the platform says there is nothing more.
    `skipped` counts cards that were not posts (ads, recommendations, ...).
    """

    posts: list[Post]
    next_cursor: Cursor | None
    skipped: int = 0


@dataclass
class CommentPage:
    """One page of comments (replies included, flattened, with parent_id set)."""

    comments: list[Comment]
    next_cursor: Cursor | None


@dataclass(frozen=True)
class Capabilities:
    """What an adapter can do; shown by GET /api/crawl/platforms."""

    search: bool = True
    detail: bool = False
    comments: bool = False
    replies: bool = False
    author: bool = False
    author_posts: bool = False
    native_sorts: tuple[str, ...] = ()
    native_time_filter: bool = False
    #: The `content_type` values the platform's own search can filter on ("all" always).
    content_types: tuple[str, ...] = (ContentType.ALL.value,)
    needs_account: bool = False
    needs_browser: bool = False
    notes: str = ""

    def as_dict(self) -> dict[str, Any]:
        """Return the capabilities as a plain dict."""
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}


@dataclass
class AdapterInfo:
    """Static facts about an adapter."""

    platform: Platform
    capabilities: Capabilities
    page_size: int
    extra: dict[str, Any] = field(default_factory=dict)
    #: Reads a creator-mode keyword (an author id or a profile link) into the keyword author_posts takes;
    #: raises ValueError saying what it accepts. None: keywords are author ids, taken as given.
    creator_keyword: Callable[[str], str] | None = None


class PlatformAdapter(ABC):
    """What the engine calls. Implementations live in `platforms/<name>/client.py`."""

    info: AdapterInfo

    @abstractmethod
    async def search(self, keyword: str, *, cursor: Cursor | None, options: SearchOptions) -> SearchPage:
        """Return one page of posts for the keyword, starting at the cursor (None = first page)."""

    def time_ordered(self, options: SearchOptions) -> bool:
        """True when search results come newest first, so an old post means the window has passed."""
        return False

    async def author_posts(self, author_id: str, *, cursor: Cursor | None) -> SearchPage:
        """Return one page of the author's own posts, newest first where the platform says so."""
        raise NotImplementedError(f"{self.info.platform} has no author-posts support")

    async def complete(self, post: Post) -> Post:
        """Return the post with anything the search card lacked (full text); default: unchanged."""
        return post

    async def comments(self, post: Post, *, cursor: Cursor | None) -> CommentPage:
        """Return one page of comments of the post."""
        raise NotImplementedError(f"{self.info.platform} has no comment support")

    async def author(self, author_id: str) -> Author:
        """Return the author's profile."""
        raise NotImplementedError(f"{self.info.platform} has no author support")

    async def check_login(self) -> bool | None:
        """Ask the platform whether the adapter's cookies are logged in; None when it cannot tell."""
        return None

    async def aclose(self) -> None:  # noqa: B027  (optional hook: most adapters have nothing to release)
        """Release resources (HTTP clients, browsers)."""
