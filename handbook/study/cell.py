"""Reflections as the secretary reads them. A secretary's cells, their campaigns and
the member × document grid are reports (handbook.reports)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from handbook.accounts.models import User
from handbook.study.models import Campaign, Reflection


@dataclass(frozen=True)
class ReflectionView:
    reflection: Reflection
    member: User
    campaign: Campaign


def reflection_view(session: Session, reflection: Reflection) -> ReflectionView:
    return ReflectionView(
        reflection, session.get(User, reflection.user_id), session.get(Campaign, reflection.campaign_id)
    )
