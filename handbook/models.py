"""Imports every feature's models so Base.metadata is complete (Alembic, tests)."""

from handbook.accounts import models as accounts_models  # noqa: F401
from handbook.attachments import models as attachments_models  # noqa: F401
from handbook.content import models as content_models  # noqa: F401
from handbook.db import Base
from handbook.notifications import models as notifications_models  # noqa: F401
from handbook.study import models as study_models  # noqa: F401

metadata = Base.metadata
