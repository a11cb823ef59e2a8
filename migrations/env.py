"""Alembic environment: the engine comes from the handbook app that calls us."""

from __future__ import annotations

from alembic import context

from handbook.models import metadata

config = context.config


def run_migrations() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        from handbook.app import create_app
        from handbook.app_db import get_db

        engine = get_db(create_app()).engine
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations()
