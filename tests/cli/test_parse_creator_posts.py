"""`keypick parse <platform> creator_posts FILE` for the author lists of Kuaishou, Zhihu, Tieba and Bilibili.

No capture of these lists exists: the files are the documented envelopes around REAL sample items
(the same builders as the parser tests).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from keypick.cli.main import app
from tests.platforms.bilibili.payloads import space_videos, space_vlist
from tests.platforms.kuaishou.payloads import real_user_id, reshaped_profile_feed
from tests.platforms.tieba.payloads import my_thread
from tests.platforms.zhihu.payloads import member_answers

runner = CliRunner()


def _tieba() -> dict[str, Any]:
    return my_thread({"tid": 9117888152, "title": "富士康10亿加码", "reply_num": 12, "create_time": 1722847500})


CASES = [
    ("kuaishou", lambda: reshaped_profile_feed(real_user_id()[0]), 20),
    ("zhihu", member_answers, 5),
    ("tieba", _tieba, 1),
    ("bilibili", space_videos, len(space_vlist())),
]


@pytest.mark.parametrize(("platform", "build", "count"), CASES, ids=[c[0] for c in CASES])
def test_parse_creator_posts(tmp_path: Path, platform: str, build: Any, count: int) -> None:
    file = tmp_path / "answer.json"
    file.write_text(json.dumps(build(), ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(app, ["parse", platform, "creator_posts", str(file)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert len(records) == count and all(isinstance(r["id"], str) and r["platform"] == platform for r in records)


def test_a_risk_answer_is_reported_as_a_platform_error(tmp_path: Path) -> None:
    file = tmp_path / "blocked.json"
    file.write_text(json.dumps({"error": {"code": 40362, "message": "您当前请求存在异常"}}), encoding="utf-8")
    result = runner.invoke(app, ["parse", "zhihu", "creator_posts", str(file)])
    assert result.exit_code == 2 and "platform error (risk_control)" in result.output


def test_bilibili_short_name_and_its_risk_answer(tmp_path: Path) -> None:
    listed = tmp_path / "space.json"
    listed.write_text(json.dumps(space_videos(), ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(app, ["parse", "bili", "creator_posts", str(listed)])
    assert result.exit_code == 0, result.output
    ids = [json.loads(line)["id"] for line in result.output.splitlines()]
    assert ids == [v["bvid"] for v in space_vlist()]
    blocked = tmp_path / "blocked.json"
    blocked.write_text(json.dumps({"code": -352, "message": "风控校验失败"}, ensure_ascii=False), encoding="utf-8")
    refused = runner.invoke(app, ["parse", "bili", "creator_posts", str(blocked)])
    assert refused.exit_code == 2 and "platform error (risk_control)" in refused.output
