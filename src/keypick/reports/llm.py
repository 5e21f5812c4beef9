"""Summary providers over httpx: an OpenAI-compatible chat endpoint or a Dify workflow; optional Langfuse tracing.

Keys go in headers only and are never logged; errors name the provider and HTTP status, not the key.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from typing import Any, Protocol

import httpx

from keypick.exceptions import KeyPickError
from keypick.reports.config import ReportSettings

log = logging.getLogger(__name__)


class SummaryError(KeyPickError):
    """The summary provider failed or answered in a shape we do not know."""

    code = "summary_error"
    status_code = 502


class Provider(Protocol):
    """One model call: system instructions and user content in, text out."""

    name: str
    model: str | None

    async def complete(self, *, stage: str, system: str, user: str) -> str:
        """Return the model's answer."""
        ...


class Tracer:
    """Records a report's LLM calls as one Langfuse trace, sent to its ingestion API; a no-op without keys.

    Speaks Langfuse's public HTTP API (POST {host}/api/public/ingestion, Basic auth with the public and
    secret keys) directly, so tracing needs no SDK. Tracing failures are logged and never fail a report.
    """

    def __init__(self, settings: ReportSettings | None = None, client: httpx.AsyncClient | None = None) -> None:
        self.enabled = bool(settings is not None and settings.langfuse_enabled and client is not None)
        self.settings, self.client = settings, client
        self.trace_id = uuid.uuid4().hex
        self.events: list[dict[str, Any]] = []

    def _event(self, kind: str, body: dict[str, Any]) -> None:
        stamp = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        self.events.append({"id": uuid.uuid4().hex, "timestamp": stamp, "type": kind, "body": body})

    def generation(
        self,
        *,
        name: str,
        model: str | None,
        messages: Any,
        output: str,
        started: datetime,
        usage: dict[str, Any] | None = None,
    ) -> None:
        """Queue one call (the trace itself is created with the first call)."""
        if not self.enabled:
            return
        if not self.events:
            trace = {"id": self.trace_id, "name": "keypick-report", "timestamp": started.isoformat()}
            self._event("trace-create", trace)
        body: dict[str, Any] = {
            "id": uuid.uuid4().hex, "traceId": self.trace_id, "name": name, "model": model, "input": messages,
            "output": output, "startTime": started.isoformat(), "endTime": datetime.now(UTC).isoformat(),
        }  # fmt: skip
        if usage:
            body["usage"] = {"input": usage.get("prompt_tokens"), "output": usage.get("completion_tokens"),
                             "total": usage.get("total_tokens"), "unit": "TOKENS"}  # fmt: skip
        self._event("generation-create", body)

    async def flush(self) -> None:
        """Send the queued events in one batch."""
        if not self.enabled or not self.events or self.settings is None or self.client is None:
            return
        batch, self.events = self.events, []
        host = (self.settings.langfuse_host or "https://cloud.langfuse.com").rstrip("/")
        keys = (self.settings.langfuse_public_key, self.settings.langfuse_secret_key)
        auth = (keys[0].get_secret_value(), keys[1].get_secret_value())
        try:
            response = await self.client.post(f"{host}/api/public/ingestion", json={"batch": batch}, auth=auth)
            if response.status_code >= 300 and response.status_code != 207:
                log.warning("langfuse ingestion answered HTTP %s", response.status_code)
        except httpx.HTTPError as exc:  # a tracing outage must not cost the user the report
            log.warning("langfuse tracing failed: %s", type(exc).__name__)


def make_tracer(settings: ReportSettings, client: httpx.AsyncClient) -> Tracer:
    """Return a Langfuse tracer when LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY are set; else a no-op one."""
    return Tracer(settings, client)


async def _post(client: httpx.AsyncClient, url: str, *, body: dict[str, Any], key: str, who: str) -> Any:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    try:
        response = await client.post(url, json=body, headers=headers)
    except httpx.HTTPError as exc:
        raise SummaryError(f"{who} request failed: {type(exc).__name__}") from exc
    if response.status_code >= 400:
        raise SummaryError(f"{who} answered HTTP {response.status_code}")
    try:
        return response.json()
    except ValueError as exc:
        raise SummaryError(f"{who} answered with something that is not JSON") from exc


class OpenAICompatible:
    """POST {base}/chat/completions with a model and system+user messages."""

    name = "llm"

    def __init__(self, settings: ReportSettings, client: httpx.AsyncClient, tracer: Tracer) -> None:
        self.settings, self.client, self.tracer = settings, client, tracer
        self.model: str | None = settings.llm_model

    async def complete(self, *, stage: str, system: str, user: str) -> str:
        """Return the first choice's message content."""
        messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        started = datetime.now(UTC)
        data = await _post(
            self.client,
            f"{self.settings.llm_base_url}/chat/completions",
            body={"model": self.model, "messages": messages, "temperature": 0.2},
            key=self.settings.llm_api_key.get_secret_value(),
            who="the LLM endpoint",
        )
        try:
            text = data["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError) as exc:
            raise SummaryError("the LLM endpoint answered without choices[0].message.content") from exc
        if not isinstance(text, str):
            raise SummaryError("the LLM endpoint answered with a non-text message")
        usage = data.get("usage") if isinstance(data.get("usage"), dict) else None
        self.tracer.generation(
            name=f"keypick-report-{stage}",
            model=self.model,
            messages=messages,
            output=text,
            started=started,
            usage=usage,
        )
        return text


class DifyWorkflow:
    """POST {DIFY_API_URL}/workflows/run in blocking mode; the workflow returns `summary` (or `text`)."""

    name = "dify"
    model: str | None = None

    def __init__(self, settings: ReportSettings, client: httpx.AsyncClient, tracer: Tracer) -> None:
        self.settings, self.client, self.tracer = settings, client, tracer

    async def complete(self, *, stage: str, system: str, user: str) -> str:
        """Return the workflow's `summary` output (or `text`, or its only text output)."""
        inputs = {"stage": stage, "instructions": system, "content": user}
        started = datetime.now(UTC)
        data = await _post(
            self.client,
            f"{self.settings.dify_api_url}/workflows/run",
            body={"inputs": inputs, "response_mode": "blocking", "user": "keypick"},
            key=self.settings.dify_report_app_key.get_secret_value(),
            who="Dify",
        )
        run = data.get("data") if isinstance(data, dict) else None
        if not isinstance(run, dict) or run.get("status") != "succeeded":
            status = run.get("status") if isinstance(run, dict) else None
            raise SummaryError(f"the Dify workflow did not succeed (status {status})")
        outputs = run.get("outputs") or {}
        texts = [v for v in outputs.values() if isinstance(v, str)] if isinstance(outputs, dict) else []
        text = outputs.get("summary") or outputs.get("text") if isinstance(outputs, dict) else None
        if not isinstance(text, str):
            if len(texts) != 1:
                raise SummaryError("the Dify workflow returned no `summary` text output")
            text = texts[0]
        self.tracer.generation(
            name=f"keypick-report-{stage}", model="dify-workflow", messages=inputs, output=text, started=started
        )
        return text
