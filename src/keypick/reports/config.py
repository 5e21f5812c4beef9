"""Settings of the optional report summary (LLM or Dify) and its tracing; to be merged into keypick.config.

Read from the environment once per process (see `load`). Keys are SecretStr and are
never logged or echoed.
"""

from __future__ import annotations

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ReportSettings(BaseSettings):
    """The summary providers: an OpenAI-compatible endpoint, or a Dify workflow; Langfuse tracing."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True)

    llm_base_url: str = Field(
        "",
        validation_alias=AliasChoices("KEYPICK_LLM_BASE_URL"),
        description="OpenAI-compatible base URL, e.g. https://api.openai.com/v1 "
        "(KeyPick POSTs {base}/chat/completions).",
    )
    llm_api_key: SecretStr = Field(SecretStr(""), validation_alias=AliasChoices("KEYPICK_LLM_API_KEY"))
    llm_model: str = Field("", validation_alias=AliasChoices("KEYPICK_LLM_MODEL"))
    llm_timeout: float = Field(120.0, gt=0, validation_alias=AliasChoices("KEYPICK_LLM_TIMEOUT"))
    llm_chunk_chars: int = Field(
        12_000,
        ge=500,
        validation_alias=AliasChoices("KEYPICK_LLM_CHUNK_CHARS"),
        description="Character budget of one prompt's posts (map-reduce chunk size).",
    )
    llm_max_chunks: int = Field(
        20,
        ge=1,
        validation_alias=AliasChoices("KEYPICK_LLM_MAX_CHUNKS"),
        description="Most map calls per report; the most engaging posts go first.",
    )
    dify_api_url: str = Field(
        "",
        validation_alias=AliasChoices("DIFY_API_URL", "KEYPICK_DIFY_API_URL"),
        description="Dify API base, e.g. https://api.dify.ai/v1.",
    )
    dify_report_app_key: SecretStr = Field(SecretStr(""), validation_alias=AliasChoices("DIFY_REPORT_APP_KEY"))
    langfuse_public_key: SecretStr = Field(SecretStr(""), validation_alias=AliasChoices("LANGFUSE_PUBLIC_KEY"))
    langfuse_secret_key: SecretStr = Field(SecretStr(""), validation_alias=AliasChoices("LANGFUSE_SECRET_KEY"))
    langfuse_host: str = Field(
        "",
        validation_alias=AliasChoices("LANGFUSE_HOST", "LANGFUSE_BASE_URL"),
        description="Langfuse server (default https://cloud.langfuse.com).",
    )

    @field_validator("llm_base_url", "dify_api_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.strip().rstrip("/")

    @property
    def llm_enabled(self) -> bool:
        """True when an OpenAI-compatible endpoint and model are configured."""
        return bool(self.llm_base_url and self.llm_model)

    @property
    def dify_enabled(self) -> bool:
        """True when a Dify report workflow is configured."""
        return bool(self.dify_api_url and self.dify_report_app_key.get_secret_value())

    @property
    def langfuse_enabled(self) -> bool:
        """True when the Langfuse keys are set (calls are then traced over its HTTP ingestion API)."""
        return bool(self.langfuse_public_key.get_secret_value() and self.langfuse_secret_key.get_secret_value())


def load() -> ReportSettings:
    """Read the report settings from the environment and `.env`."""
    return ReportSettings()
