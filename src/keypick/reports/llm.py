"""Summary providers over httpx: an OpenAI-compatible chat endpoint or a Dify workflow; optional Langfuse tracing.

Keys go in headers only and are never logged; errors name the provider and HTTP status, not the key.
"""

from __future__ import annotations

import importlib
import logging
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
    """Records LLM calls in Langfuse when configured and importable; otherwise does nothing."""

    def __init__(self, client: Any = None) -> None:
        self.client = client

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
        """Record one call; tracing problems are logged and never fail the report."""
        if self.client is None:
            return
        try:
            if hasattr(self.client, "start_generation"):  # langfuse >= 3 (OpenTelemetry based)
                gen = self.client.start_generation(name=name, model=model, input=messages)
                gen.update(output=output, usage_details=usage or None)
                gen.end()
            else:  # langfuse 2
                self.client.generation(
                    name=name,
                    model=model,
                    input=messages,
                    output=output,
                    start_time=started,
                    end_time=datetime.now(UTC),
                    usage=usage or None,
                )
        except Exception as exc:  # a tracing outage must not cost the user the report
            log.warning("langfuse tracing failed: %s", type(exc).__name__)

    def flush(self) -> None:
        """Send buffered traces."""
        if self.client is not None and hasattr(self.client, "flush"):
            try:
                self.client.flush()
            except Exception as exc:
                log.warning("langfuse flush failed: %s", type(exc).__name__)


def make_tracer(settings: ReportSettings) -> Tracer:
    """Return a Langfuse tracer when its keys are set and the package is installed; else a no-op one."""
    if not settings.langfuse_enabled:
        return Tracer()
    try:
        module = importlib.import_module("langfuse")
    except ImportError:
        log.info("LANGFUSE_* keys are set but the langfuse package is not installed; not tracing")
        return Tracer()
    kwargs: dict[str, Any] = {
        "public_key": settings.langfuse_public_key.get_secret_value(),
        "secret_key": settings.langfuse_secret_key.get_secret_value(),
    }
    if settings.langfuse_host:
        kwargs["host"] = settings.langfuse_host
    try:
        return Tracer(module.Langfuse(**kwargs))
    except Exception as exc:
        log.warning("langfuse client could not start: %s", type(exc).__name__)
        return Tracer()


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
