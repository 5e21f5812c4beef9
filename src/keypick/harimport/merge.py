"""PURE: which version of a post a HAR import stores when several entries carry the same post.

One post can come from a list (a search page, an author's list) and from its detail answer. Every unit
that listed it keeps its hit, but the row is written from one version, whatever the order of the entries
and of the units: the detail answer's, else one with its full text over a stub (a Tieba search card or
myThread item, flagged content_is_snippet), else the later entry's. What that version lacks (None) is
taken from the others, and a stub's flag goes once a full version is chosen, as the Tieba adapter's
complete() merges a page_pc thread into its search card.

Authors likewise: a list's stub knows little of its author (a Tieba myThread item: the portrait and
avatar only), so one profile is kept per author, each field its last known value, over what is stored:
an import never erases what a page_pc, a profile answer or a crawl already told of an author.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from keypick.content.schemas import Author, Post

#: The platform_data flag of a post whose text is a list's snippet, or nothing (a Tieba stub).
SNIPPET = "content_is_snippet"
#: Fields a chosen version may lack (None) and another version may know: complete()'s, and the counts.
_FILLED = ("title", "url", "likes", "collects", "comments", "shares", "views", "author", "author_id", "author_avatar",
           "publish_time", "ip_location", "author_info")  # fmt: skip

#: Profile fields an answer may not know (None) while another, or the stored row, does.
PROFILE_FIELDS = ("nickname", "avatar", "gender", "description", "ip_location", "followers", "following",
                  "posts_count", "likes_received", "profile_url")  # fmt: skip

PostKey = tuple[str, str]
AuthorKey = tuple[str, str]


def is_stub(post: Post) -> bool:
    """True when the post's text is only a list's snippet (or empty), flagged by its parser."""
    return bool(post.platform_data.get(SNIPPET))


def _rank(kind: str, post: Post) -> int:
    return 2 if kind == "detail" else 0 if is_stub(post) else 1


def chosen_versions(seen: Iterable[tuple[str, Post]]) -> dict[PostKey, Post]:
    """Return (platform, post id) → the version to store, from (entry kind, post) pairs in HAR order."""
    ranked: dict[PostKey, list[tuple[int, int, Post]]] = {}
    for order, (kind, post) in enumerate(seen):
        ranked.setdefault((post.platform, post.id), []).append((_rank(kind, post), order, post))
    return {key: _merged([post for _, _, post in sorted(versions, key=lambda v: v[:2])])
            for key, versions in ranked.items()}  # fmt: skip


def _merged(versions: list[Post]) -> Post:
    """The last (best) version, with what it lacks from the others, the next best first."""
    best = versions[-1]
    if len(versions) == 1:
        return best
    filled: dict[str, object] = {}
    for other in reversed(versions[:-1]):
        for name in _FILLED:
            if getattr(best, name) is None and name not in filled and getattr(other, name) is not None:
                filled[name] = getattr(other, name)
    data = {k: v for version in versions for k, v in version.platform_data.items()}  # the best one's last
    if not is_stub(best):
        data.pop(SNIPPET, None)
    return best.model_copy(update={**filled, "platform_data": data})


def merged_authors(authors: Iterable[Author], stored: Mapping[AuthorKey, Author]) -> list[Author]:
    """Return one profile per (platform, author id): each field's last known value, in order, after `stored`."""
    merged: dict[AuthorKey, Author] = {}
    for author in authors:
        key = (author.platform, author.author_id)
        known = merged.get(key) or stored.get(key)
        merged[key] = author if known is None else _folded(known, author)
    return list(merged.values())


def _folded(known: Author, new: Author) -> Author:
    kept = {name: getattr(known, name) for name in PROFILE_FIELDS if getattr(new, name) is None}
    return new.model_copy(update={**kept, "platform_data": {**known.platform_data, **new.platform_data}})
