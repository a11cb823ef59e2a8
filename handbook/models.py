"""Imports every feature's models so Base.metadata is complete (Alembic, tests)."""

from handbook.content import models as content_models  # noqa: F401
from handbook.db import Base

metadata = Base.metadata
