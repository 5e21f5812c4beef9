"""Fault injection for the sandbox: what can go wrong, where, and how often.

A fault is written ``KIND[:VALUE][@SCOPE[,SCOPE...]]`` on the command line
(``keypick sandbox --fault ...``, repeatable) or in the JSON list sent to
``POST /_sandbox/faults``.

Kinds:
    latency:MS          delay every matching response by MS milliseconds (adds up with others)
    timeout[:SECONDS]   hold the request SECONDS (default 30, longer than any client
                        timeout), then answer 504; a client that gives up ends it early
    http_NNN            answer HTTP NNN (400-599), e.g. http_429, http_432, http_418, http_461
    http_5xx[:CODE]     answer HTTP 503 (or CODE)
    business_error[:ERRNO]
                        HTTP 200 with the platform's business-error envelope
                        (Weibo: {"ok":0,"errno":"20003","msg":...})
    login_expired       what the platform does for an expired login (Weibo: 302 to passport)
    verification        HTTP 200 HTML page asking for a captcha / security check
    malformed_json      HTTP 200 whose body is the real answer cut in half
    empty_page          the real answer with its list of items emptied (ok stays 1)
    blocked             HTTP 200 with an empty body: Douyin's "blocked" answer to a refused request

Scopes (all optional; a fault without scope hits every platform API request):
    keyword=咖啡        only requests about that keyword (detail and comment requests
                        count for the keyword whose search produced the post)
    page=N              only page N and later (search page, or comment page)
    path=/comments/hotflow
                        only paths starting with this prefix (with or without the host)
    host=m.weibo.cn     only that platform host
    after=N             let the first N matching requests through, then inject
    times=N             inject N times, then behave normally (a 429 that retries succeed)

Examples: ``http_432@after=2``, ``http_429@times=2``, ``latency:200``,
``timeout@keyword=咖啡,path=/comments/hotflow``.

Counters live with the active set, in memory, and restart when the set is replaced.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

#: Kinds that answer instead of the replay; `latency` only delays.
ANSWER_KINDS = frozenset(
    {"timeout", "http", "business_error", "login_expired", "verification", "malformed_json", "empty_page", "blocked"}
)
_PLAIN_KINDS = frozenset({"login_expired", "verification", "malformed_json", "empty_page", "blocked"})
_INT_SCOPES = ("page", "after", "times")
_HTTP_KIND = re.compile(r"http_(\d{3})")
DEFAULT_TIMEOUT_S = 30.0
DEFAULT_5XX = 503
DEFAULT_ERRNO = 20003


@dataclass(frozen=True)
class FaultSpec:
    """One fault: its kind, value and scope. Build it with `parse_fault` or directly."""

    kind: str
    value: float | None = None
    keyword: str | None = None
    page: int | None = None
    path: str | None = None
    host: str | None = None
    after: int = 0
    times: int | None = None

    def __post_init__(self) -> None:
        if self.kind != "latency" and self.kind not in ANSWER_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}")
        if self.kind == "latency" and (self.value is None or self.value < 0):
            raise ValueError("latency needs a value in milliseconds, e.g. latency:200")
        if self.kind == "http" and (self.value is None or not 400 <= self.value <= 599):
            raise ValueError("http faults need a status between 400 and 599, e.g. http_429")

    @property
    def status(self) -> int:
        """The HTTP status an `http` fault answers with."""
        return int(self.value or DEFAULT_5XX)

    @property
    def seconds(self) -> float:
        """How long a `timeout` fault holds the request."""
        return DEFAULT_TIMEOUT_S if self.value is None else float(self.value)

    @property
    def errno(self) -> int:
        """The business error code a `business_error` fault reports."""
        return DEFAULT_ERRNO if self.value is None else int(self.value)

    def matches(self, *, host: str, path: str, keyword: str | None, page: int) -> bool:
        """True when a request (platform host, path under it, keyword, page) is in scope."""
        if self.host is not None and self.host != host:
            return False
        if self.path is not None and not (path.startswith(self.path) or f"/{host}{path}".startswith(self.path)):
            return False
        if self.keyword is not None and self.keyword != keyword:
            return False
        return self.page is None or page >= self.page

    def text(self) -> str:
        """Return the fault in the `KIND[:VALUE][@SCOPE]` syntax."""
        if self.kind == "http":
            head = f"http_{self.status}"
        elif self.value is None:
            head = self.kind
        else:
            head = f"{self.kind}:{self.value:g}"
        scopes = [
            f"{name}={getattr(self, name)}"
            for name in ("keyword", "page", "path", "host", "times")
            if getattr(self, name) is not None
        ]
        if self.after:
            scopes.append(f"after={self.after}")
        return head + ("@" + ",".join(scopes) if scopes else "")


def parse_fault(text: str) -> FaultSpec:
    """Parse `KIND[:VALUE][@SCOPE,...]` into a FaultSpec; raise ValueError saying what is wrong."""
    head, _, scope_text = text.strip().partition("@")
    kind, _, value_text = head.partition(":")
    kind = kind.strip().lower()
    value: float | None = None
    if value_text:
        try:
            value = float(value_text)
        except ValueError:
            raise ValueError(f"fault {text!r}: value {value_text!r} is not a number") from None
    if match := _HTTP_KIND.fullmatch(kind):
        kind, value = "http", float(match.group(1))
    elif kind == "http_5xx":
        kind, value = "http", value or float(DEFAULT_5XX)
    elif kind in _PLAIN_KINDS and value is not None:
        raise ValueError(f"fault {text!r}: {kind} takes no value")
    scopes: dict[str, Any] = {}
    for item in filter(None, (part.strip() for part in scope_text.split(","))):
        name, sep, raw = item.partition("=")
        name = name.strip()
        if not sep or name not in ("keyword", "path", "host", *_INT_SCOPES):
            raise ValueError(f"fault {text!r}: bad scope {item!r}; use keyword=, page=, path=, host=, after=, times=")
        if name in _INT_SCOPES:
            if not raw.strip().isdigit():
                raise ValueError(f"fault {text!r}: {name} needs a whole number, got {raw!r}")
            scopes[name] = int(raw)
        else:
            scopes[name] = raw.strip()
    try:
        return FaultSpec(kind=kind, value=value, **scopes)
    except ValueError as exc:
        raise ValueError(f"fault {text!r}: {exc}") from None


@dataclass
class ArmedFault:
    """A FaultSpec with its counters: matching requests seen and injections made."""

    spec: FaultSpec
    seen: int = 0
    injected: int = 0

    def fire(self, *, host: str, path: str, keyword: str | None, page: int) -> bool:
        """Count a matching request and say whether to inject this time."""
        if not self.spec.matches(host=host, path=path, keyword=keyword, page=page):
            return False
        self.seen += 1
        if self.seen <= self.spec.after:
            return False
        if self.spec.times is not None and self.injected >= self.spec.times:
            return False
        self.injected += 1
        return True


@dataclass
class Decision:
    """What the active faults do to one request: total delay and the answering fault, if any."""

    latency_ms: float = 0.0
    answer: FaultSpec | None = None
    names: list[str] = field(default_factory=list)


class FaultBoard:
    """The active fault set, evaluated in order for each request."""

    def __init__(self, specs: Iterable[FaultSpec] = ()) -> None:
        self._armed = [ArmedFault(spec) for spec in specs]

    def replace(self, specs: Iterable[FaultSpec]) -> None:
        """Make `specs` the active set, with fresh counters."""
        self._armed = [ArmedFault(spec) for spec in specs]

    def decide(self, *, host: str, path: str, keyword: str | None, page: int) -> Decision:
        """Return the delay and answering fault for a request, updating counters."""
        decision = Decision()
        for armed in self._armed:
            is_answer = armed.spec.kind in ANSWER_KINDS
            # Once one fault answers, later answering faults keep their budget.
            if is_answer and decision.answer is not None:
                continue
            if not armed.fire(host=host, path=path, keyword=keyword, page=page):
                continue
            decision.names.append(armed.spec.text())
            if is_answer:
                decision.answer = armed.spec
            else:
                decision.latency_ms += armed.spec.value or 0.0
        return decision

    def describe(self) -> list[dict[str, Any]]:
        """Return the active faults with their counters, for GET /_sandbox/faults."""
        return [{"fault": a.spec.text(), "seen": a.seen, "injected": a.injected} for a in self._armed]
