"""Alembic environment: runs on the connection KeyPick hands over (see keypick.migrate)."""

from __future__ import annotations

from alembic import context

from keypick.accounts import models as _account_models  # noqa: F401  (register tables)
from keypick.content import models as _content_models  # noqa: F401
from keypick.db import Base
from keypick.insights import models as _insight_models  # noqa: F401
from keypick.tasks import models as _task_models  # noqa: F401

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `keypick db upgrade` (keypick.migrate), not the alembic CLI")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
