"""Alembic environment: runs migrations against the URL that bot.db gives it."""

from alembic import context
from sqlalchemy import create_engine

import bot.auth.models  # noqa: F401  (each import registers its tables on Base.metadata)
import bot.catalogue.models  # noqa: F401
import bot.feedback.models  # noqa: F401
import bot.gaps.models  # noqa: F401
import bot.maintenance  # noqa: F401
import bot.training.models  # noqa: F401
from bot.db import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is None:
        connectable = create_engine(config.get_main_option("sqlalchemy.url"), future=True)
    with connectable.connect() if hasattr(connectable, "connect") else connectable as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
