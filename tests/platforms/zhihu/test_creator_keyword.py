"""The Zhihu creator keyword: a 32-hex author id, a url_token or a profile link, read into the member
/api/v4/members/{member}/answers takes; anything else is refused before a browser request, quoting what was sent."""

from __future__ import annotations

import pytest

from keypick.platforms.zhihu import ADAPTER_INFO
from keypick.platforms.zhihu.creator import creator_keyword
from keypick.sandbox.samples import walk_dicts
from tests.samples import load_sample

TOKEN = "212-75-86"  # a real url_token of the search capture


def _authors() -> list[dict[str, str]]:
    return [d["author"] for d in walk_dicts(load_sample("zhihu", "search_v3-1.json"))
            if isinstance(d.get("author"), dict) and d["author"].get("url_token")]  # fmt: skip


def test_every_real_author_id_and_url_token_reads_as_itself() -> None:
    authors = _authors()
    ids, tokens = {a["id"] for a in authors}, {a["url_token"] for a in authors}
    assert len(ids) == len(tokens) == 6 and all(len(i) == 32 for i in ids) and TOKEN in tokens
    assert all(creator_keyword(member) == member for member in ids | tokens)
    assert creator_keyword("nobody-at-all") == "nobody-at-all" and creator_keyword("old_name") == "old_name"
    assert ADAPTER_INFO.creator_keyword is creator_keyword


@pytest.mark.parametrize(
    "link",
    [
        f"https://www.zhihu.com/people/{TOKEN}",
        f"https://www.zhihu.com/people/{TOKEN}/",
        f"https://www.zhihu.com/people/{TOKEN}/answers?page=2",
        f"http://zhihu.com/people/{TOKEN}/posts",
        f"\t{TOKEN} ",
    ],
)
def test_profile_links_read_as_the_url_token(link: str) -> None:
    assert creator_keyword(link) == TOKEN


@pytest.mark.parametrize(
    "bad",
    [
        "has space",
        "用户甲",
        "a/b",
        "x" * 65,
        "https://www.zhihu.com/question/19550225",  # a question, not its author
        "https://www.zhihu.com/people/",
        "https://www.zhihu.com/people/%E7%94%A8",
        f"https://evil.example/people/{TOKEN}",
    ],
)
def test_anything_else_is_refused_quoting_it(bad: str) -> None:
    with pytest.raises(ValueError) as caught:
        creator_keyword(bad)
    assert str(caught.value).startswith(f"{bad!r} is neither a Zhihu author id (32 hex digits")
    assert "url_token" in str(caught.value) and "https://www.zhihu.com/people/<url_token>" in str(caught.value)
