"""The one KeyPick exception hierarchy.

    KeyPickError
    ├── ConfigError                 settings are unusable (raised at start)
    ├── ValidationError             user input is wrong (field + reason) → 422
    ├── NotFound                    a task, post or account does not exist → 404
    ├── Conflict                    the request clashes with current state → 409
    ├── StorageError                the database failed
    └── PlatformError               a platform answered, or failed to answer, badly
        ├── TransportError          network failure or timeout (retryable)
        ├── ServerError             HTTP 5xx (retryable)
        ├── RateLimited             HTTP 429 or a "slow down" code (retryable after backoff)
        ├── RiskControl             risk-control block (HTTP 432/461/412, -352, ...)
        ├── VerificationRequired    a captcha or verification page; never solved
        ├── LoginRequired           cookies missing or expired
        ├── ParseError              the payload is not the shape we know
        └── DataFetchError          a business error code we do not special-case

Each PlatformError carries platform, endpoint and the raw code, and names the
StopReason it implies, so the engine never has to guess.
"""

from __future__ import annotations

from typing import Any

from keypick.enums import StopReason


class KeyPickError(Exception):
    """Root of every error KeyPick raises on purpose."""

    code = "internal_error"
    status_code = 500

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


class ConfigError(KeyPickError):
    """Settings are missing or contradictory."""

    code = "config_error"


class ValidationError(KeyPickError):
    """User input failed a check; `field` names what was wrong."""

    code = "validation_error"
    status_code = 422

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}", details={"errors": [{"field": field, "message": message}]})
        self.field = field


class NotFound(KeyPickError):
    """The requested object does not exist."""

    code = "not_found"
    status_code = 404


class Conflict(KeyPickError):
    """The request clashes with the object's current state."""

    code = "conflict"
    status_code = 409


class StorageError(KeyPickError):
    """The database failed."""

    code = "storage_error"


class PlatformError(KeyPickError):
    """A platform request failed; subclasses say how."""

    code = "platform_error"
    status_code = 502
    stop_reason = StopReason.ERROR
    retryable = False

    def __init__(
        self,
        message: str,
        *,
        platform: str = "",
        endpoint: str = "",
        raw_code: str | int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, details={"platform": platform, "endpoint": endpoint, "raw_code": raw_code})
        self.platform = platform
        self.endpoint = endpoint
        self.raw_code = raw_code
        self.retry_after = retry_after


class TransportError(PlatformError):
    """Connection failure or timeout before a full answer arrived."""

    code = "transport_error"
    retryable = True


class ServerError(PlatformError):
    """The platform answered with HTTP 5xx."""

    code = "platform_server_error"
    retryable = True


class RateLimited(PlatformError):
    """The platform asked us to slow down."""

    code = "rate_limited"
    stop_reason = StopReason.RATE_LIMITED
    retryable = True


class RiskControl(PlatformError):
    """The platform's risk control blocked this account or IP."""

    code = "risk_control"
    stop_reason = StopReason.RISK_CONTROL


class VerificationRequired(PlatformError):
    """A captcha or verification step is required; KeyPick never solves it."""

    code = "verification_required"
    stop_reason = StopReason.VERIFICATION_REQUIRED


class LoginRequired(PlatformError):
    """The endpoint needs a logged-in account, or the cookies expired."""

    code = "login_required"
    stop_reason = StopReason.LOGIN_REQUIRED


class ParseError(PlatformError):
    """The payload is not a shape the parser recognises."""

    code = "parse_error"


class DataFetchError(PlatformError):
    """A business error code without a more specific meaning."""

    code = "data_fetch_error"


class BudgetExhausted(PlatformError):
    """The platform's daily request budget (a politeness setting) is used up."""

    code = "budget_exhausted"
    stop_reason = StopReason.BUDGET_EXHAUSTED
