"""Who may call a view, declared on the view: every view names one policy with the
decorators below (right under its route decorator), and the access gate
(accounts/access.py) refuses any endpoint without one. They only mark the view, so
any feature can declare its policy without depending on accounts."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from flask import Flask

POLICY_ATTR = "access_policy"


@dataclass(frozen=True)
class Policy:
    name: str  # "public", "member" or "roles"
    roles: frozenset[str] = frozenset()


def _declare(policy: Policy):
    def decorator(view):
        setattr(view, POLICY_ATTR, policy)
        return view

    return decorator


public = _declare(Policy("public"))
member_required = _declare(Policy("member"))


def role_required(*roles: str):
    """Any of the roles, wherever it is held; scoped checks are up to the service.
    The names are checked against the role vocabulary when the app starts."""
    if not roles:
        raise ValueError("role_required needs at least one role")
    return _declare(Policy("roles", frozenset(roles)))


def policy_of(app: Flask, endpoint: str) -> Policy | None:
    return getattr(app.view_functions.get(endpoint), POLICY_ATTR, None)


def check_roles(app: Flask, known: Collection[str]) -> None:
    """ValueError naming the views whose policy names a role that does not exist."""
    wrong = sorted(
        f"{endpoint}: {sorted(policy.roles - set(known))}"
        for endpoint in app.view_functions
        if (policy := policy_of(app, endpoint)) and policy.roles - set(known)
    )
    if wrong:
        raise ValueError(f"unknown roles: {'; '.join(wrong)}")
