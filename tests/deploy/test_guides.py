"""DEPLOY_GUIDE.md and its English twin: the original guide's sections, and only names that exist here."""

from __future__ import annotations

import re
from functools import cache

import pytest

from keypick.api.app import create_app
from keypick.config import Settings
from tests.deploy.commands import (
    GATEWAY,
    ROOT,
    flyctl_problem,
    invocations,
    keypick_runs,
    wrangler_environments,
    wrangler_problem,
)

GUIDES = ["DEPLOY_GUIDE.md", "docs/deployment.md"]
# The original guide's steps, in order: (section number, words its Chinese and English headings contain).
SECTIONS = [
    ("1", "账号", "Accounts"), ("2", "工具", "Tools"), ("3", "密钥", "Secrets"), ("4", "Fly.io", "Fly.io"),
    ("4.1", "launch", "Launch"), ("4.2", "密钥", "Secrets"), ("4.3", "卷", "Volume"), ("4.4", "部署", "Deploy"),
    ("5", "Cloudflare", "Cloudflare"), ("5.1", "KV", "KV"), ("5.2", "免费计划", "free plan"),
    ("5.3", "每个环境", "per environment"), ("5.4", "部署", "Deploy"), ("6", "网关", "gateway"),
    ("7", "GitHub Actions", "GitHub Actions"), ("8", "域名", "domains"), ("9", "测试", "Testing"),
    ("10", "监控", "Monitoring"), ("11", "回滚", "rollback"), ("12", "费用", "Costs"),
    ("13", "故障排查", "Troubleshooting"), ("14", "安全", "Security"), ("15", "检查清单", "Checklist"),
]  # fmt: skip


def _text(guide: str) -> str:
    return (ROOT / guide).read_text()


def _code(text: str) -> str:
    """Fenced blocks and inline code spans: where the guides put commands and names."""
    # Shell comments are prose (and differ between the two languages).
    fenced = [
        re.sub(r"(^|\s)#\s.*$", "", block, flags=re.M) for block in re.findall(r"```[a-z]*\n(.*?)```", text, re.S)
    ]
    inline = re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", text, flags=re.S))
    return "\n".join(fenced + inline)


@cache
def _names_in_repository() -> str:
    """Every file a guide's names may come from: settings, deploy files, the Worker, the CLI and the metrics."""
    files = [ROOT / ".env.example", ROOT / "fly.toml", ROOT / "docker-compose.yml", ROOT / "Dockerfile",
             GATEWAY / "wrangler.toml", GATEWAY / "package.json", ROOT / "src/keypick/enums.py",
             ROOT / "src/keypick/metrics.py", ROOT / "src/keypick/config.py",
             ROOT / "src/keypick/tasks/schemas.py"]  # fmt: skip
    files += [*(GATEWAY / "src").glob("*.ts"), *(ROOT / ".github/workflows").glob("*.yml")]
    files += [*(ROOT / "deploy/scripts").glob("*.sh")]
    return "\n".join(f.read_text() for f in files)


@cache
def _backend_routes() -> list[re.Pattern[str]]:
    app = create_app(Settings(api_keys_raw="k"), workers=0)
    paths = [getattr(route, "path", "") for route in app.routes]
    return [re.compile("^" + re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(p.rstrip("/"))) + "/?$") for p in paths if p]


@pytest.mark.parametrize("guide", GUIDES)
def test_guide_follows_the_original_sections(guide: str) -> None:
    headings = re.findall(r"^#{2,3} (\d+(?:\.\d+)?)\.? (.+)$", _text(guide), re.M)
    assert [number for number, _ in headings] == [number for number, _, _ in SECTIONS]
    for (number, title), (_, chinese, english) in zip(headings, SECTIONS, strict=True):
        word = chinese if guide == "DEPLOY_GUIDE.md" else english
        assert word.lower() in title.lower(), f"{guide} section {number} is '{title}', expected {word}"


def test_the_two_guides_run_the_same_commands() -> None:
    def commands(guide: str) -> set[str]:
        code = _code(_text(guide))
        return {f"{tool} {' '.join(words)}" for tool in ("flyctl", "wrangler", "keypick") for words in
                invocations(code, tool)} | set(re.findall(r"deploy/scripts/\w+\.sh[^\n`]*", code))  # fmt: skip

    chinese, english = commands(GUIDES[0]), commands(GUIDES[1])
    assert chinese == english, {"only in Chinese": chinese - english, "only in English": english - chinese}


@pytest.mark.parametrize("guide", GUIDES)
def test_guide_files_and_commands_exist(guide: str) -> None:
    text = _text(guide)
    paths = set(re.findall(r"(?<![\w/.-])((?:deploy|docs|scripts|tests|\.github/workflows|src)/[\w./-]*\w)", text))
    paths |= set(re.findall(r"`([\w.-]+\.(?:toml|yml|md|example|sh))`", text))
    assert len(paths) > 10
    for path in sorted(paths):
        where = ROOT / path if (ROOT / path).exists() else GATEWAY / path
        assert where.exists() or path.endswith(".dev.vars"), f"{guide} names {path}, which does not exist"
    code = _code(text)
    for words in invocations(code, "keypick"):
        assert keypick_runs(" ".join(["keypick", *words])), f"{guide}: keypick {' '.join(words)}"
    for words in invocations(code, "flyctl"):
        assert flyctl_problem(words) is None, f"{guide}: {flyctl_problem(words)}"
    checked: set[tuple[str, ...]] = set()
    for words in invocations(code, "wrangler"):
        if tuple(words) not in checked:
            checked.add(tuple(words))
            assert wrangler_problem(words) is None, f"{guide}: {wrangler_problem(words)}"


@pytest.mark.parametrize("guide", GUIDES)
def test_guide_names_exist_in_the_repository(guide: str) -> None:
    text, code, known = _text(guide), _code(_text(guide)), _names_in_repository()
    wrangler_toml = (GATEWAY / "wrangler.toml").read_text()
    # Settings, secrets, bindings, Worker variables, placeholders: every UPPER_SNAKE name written as code.
    for name in sorted(set(re.findall(r"\b_*[A-Z][A-Z0-9]*(?:_+[A-Z0-9<>]+)+_*\b", code))):
        pattern = re.escape(name).replace("<PLATFORM>", "(?:XIAOHONGSHU|WEIBO|DOUYIN|BILIBILI|KUAISHOU|TIEBA|ZHIHU)")
        assert re.search(pattern, known), f"{guide} names {name}, which nothing in the repository defines"
    for binding in ("CACHE", "CRAWLER_QUEUE", "RATE_LIMITER", "AUTH_FAILURES"):
        if binding in text:
            assert binding in wrangler_toml, binding
    # Worker, queue and app names.
    for name in sorted(set(re.findall(r"(?<![\w/.-])keypick-[a-z-]*[a-z]", text))):
        assert name in wrangler_toml, f"{guide} names {name}; wrangler.toml does not"
    assert {"production", "development"} <= wrangler_environments()
    # Fly names, volume and process groups; snake_case values such as stop reasons and metric names.
    for name in sorted(set(re.findall(r"`([a-z]+(?:_[a-z]+)+)`", text))):
        assert name in known, f"{guide} names `{name}`, which nothing in the repository defines"
    assert "keypick_data" in known and '"sin"' in known


@pytest.mark.parametrize("guide", GUIDES)
def test_guide_http_paths_exist(guide: str) -> None:
    worker = "\n".join(p.read_text() for p in (GATEWAY / "src").glob("*.ts"))
    pattern = r"(?<![\w.:/-])(/(?:api|internal|health|ready|metrics|docs|openapi)[\w/<>{}.*-]*)"
    paths = set(re.findall(pattern, _text(guide)))
    assert {"/health", "/ready", "/api/crawl/", "/internal/tasks", "/metrics"} <= paths
    for path in sorted(p for p in paths if "*" not in p):  # /api/*, /internal/*: prefixes, not routes
        concrete = re.sub(r"<\w+>", "x" * 32, path).rstrip("/") or "/"
        on_backend = any(route.match(concrete) for route in _backend_routes())
        assert on_backend or f'"{path}"' in worker, f"{guide}: {path} is neither a backend route nor the Worker's"
