"""A dependency that answers 422 for query parameters a route does not know.

A typo such as ?platform= for ?platforms= must not quietly return unfiltered data: the caller would
read the wrong numbers as an answer to the question it meant to ask.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel

#: Accepted everywhere: the API key as a query parameter (Dify's "Query Param" auth, MCP forms).
ALWAYS_ALLOWED = frozenset({"key"})
_known: dict[int, frozenset[str]] = {}


def _query_names(dependant: Dependant) -> set[str]:
    names: set[str] = set()
    for field in dependant.query_params:
        model = field.field_info.annotation
        if isinstance(model, type) and issubclass(model, BaseModel):  # Annotated[Model, Query()]: its fields
            names |= {f.alias or name for name, f in model.model_fields.items()}
        else:
            names.add(field.alias)
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def reject_unknown_query(request: Request) -> None:
    """Raise a 422 naming each query parameter the matched route does not declare."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    known = _known.get(id(route))
    if known is None:
        known = _known[id(route)] = frozenset(_query_names(route.dependant)) | ALWAYS_ALLOWED
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        expected = ", ".join(sorted(known - ALWAYS_ALLOWED)) or "none"
        raise RequestValidationError(
            [{"loc": ("query", name), "msg": f"unknown parameter (this endpoint takes: {expected})",
              "type": "extra_forbidden"} for name in unknown]
        )  # fmt: skip
