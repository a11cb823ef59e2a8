"""Demo data: a realistic organisation tree with members, built with bulk inserts
so the province scale (39,509 members) takes seconds. Deterministic for a seed."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from handbook.accounts import audit, demo_names, users
from handbook.accounts.audit import Actor
from handbook.accounts.models import Membership, RoleGrant, Unit, UnitEvent, User
from handbook.accounts.passwords import Passwords
from handbook.accounts.vocabulary import (
    ADMIN,
    CELL,
    COMMITTEE,
    COMMITTEE_VIEWER,
    DEMO_USERNAMES,
    DEPUTY_SECRETARY,
    EDITOR,
    GRASSROOTS_CELL,
    GRASSROOTS_COMMITTEE,
    PARTIAL_COMMITTEE,
    PROVINCE,
    SECRETARY,
)
from handbook.clock import utcnow

ROOT_CODE = "DEMO"
SEED = 19_733


@dataclass(frozen=True)
class Scale:
    committees: int
    grassroots: int
    cells: int
    members: int


SCALES = {
    "small": Scale(committees=2, grassroots=4, cells=6, members=60),
    # The province of the report: 19 subordinate committees, 733 grassroots
    # organisations, 2,381 cells, 39,509 members.
    "province": Scale(committees=19, grassroots=733, cells=2381, members=39509),
}


@dataclass
class Plan:
    """Rows to insert, with ids assigned here so parents and paths are known up front."""

    next_id: int
    units: list[dict] = field(default_factory=list)
    has_partial: bool = False

    def add(self, code: str, name: str, kind: str, parent: dict | None) -> dict:
        row = {
            "id": self.next_id,
            "code": code,
            "name": name,
            "kind": kind,
            "parent_id": parent["id"] if parent else None,
            "active": True,
            "path": f"{parent['path'] if parent else '/'}{self.next_id}/",
        }
        self.next_id += 1
        self.units.append(row)
        return row


def _spread(total: int, buckets: int, rng: random.Random, minimum: int = 1) -> list[int]:
    """total split into buckets, each at least minimum, unevenly like real units."""
    counts = [minimum] * buckets
    weights = [rng.uniform(0.3, 1.7) for _ in range(buckets)]
    for index in rng.choices(range(buckets), weights=weights, k=total - minimum * buckets):
        counts[index] += 1
    return counts


def plan_tree(scale: Scale, rng: random.Random, first_id: int) -> tuple[Plan, list[dict]]:
    """The units, and the member-holding units (cells and grassroots cells) among them."""
    plan = Plan(first_id)
    root = plan.add(ROOT_CODE, "Đảng bộ tỉnh (dữ liệu mẫu)", PROVINCE, None)
    committees = [
        plan.add(f"{ROOT_CODE}-{i + 1:02d}", name, COMMITTEE, root)
        for i, name in enumerate(demo_names.COMMITTEES[: scale.committees])
    ]
    committee_of = rng.choices(committees, k=scale.grassroots)
    n_committees = max(1, round(scale.grassroots * 0.58))
    with_cells, holders = [], []
    for i, committee in enumerate(committee_of):
        form = rng.choice(demo_names.GRASSROOTS_FORMS)
        kind = GRASSROOTS_COMMITTEE if i < n_committees else GRASSROOTS_CELL
        if kind == GRASSROOTS_CELL:
            form = form.replace("Đảng bộ", "Chi bộ")
        elif form.startswith("Chi bộ"):
            form = form.replace("Chi bộ", "Đảng bộ")
        unit = plan.add(
            f"{committee['code']}-{i + 1:03d}",
            form.format(place=rng.choice(demo_names.PLACES)),
            kind,
            committee,
        )
        (with_cells if kind == GRASSROOTS_COMMITTEE else holders).append(unit)
    for grassroots, count in zip(with_cells, _spread(scale.cells, len(with_cells), rng), strict=True):
        holders += _cells_of(plan, grassroots, count, rng)
    return plan, holders


def _cells_of(plan: Plan, grassroots: dict, count: int, rng: random.Random) -> list[dict]:
    parents = [grassroots]
    # Some large committees are split into partial ones; every demo shows at least one.
    if count >= 3 and (rng.random() < 0.15 or not plan.has_partial):
        plan.has_partial = True
        parents = [
            plan.add(f"{grassroots['code']}-BP{j}", f"Đảng bộ bộ phận số {j}", PARTIAL_COMMITTEE, grassroots)
            for j in (1, 2)
        ]
    cells = []
    for n in range(1, count + 1):
        form = rng.choice(demo_names.CELL_FORMS)
        cells.append(
            plan.add(f"{grassroots['code']}-{n:02d}", form.format(n=n), CELL, parents[n % len(parents)])
        )
    return cells


class Usernames:
    """nguyen.van.an, then nguyen.van.an.2, … skipping names already taken."""

    def __init__(self, taken: set[str]) -> None:
        self.taken = taken

    def make(self, full_name: str) -> str:
        base = users.suggest_username(full_name)
        name, n = base, 1
        while name in self.taken:
            n += 1
            name = f"{base}.{n}"
        self.taken.add(name)
        return name


@dataclass
class DemoResult:
    created: bool
    units: int = 0
    members: int = 0
    passwords: dict[str, str] = field(default_factory=dict)  # only the generated ones


def build(
    tx: Session, passwords: Passwords, scale: Scale, password: str | None, seed: int = SEED
) -> DemoResult:
    """Create the demo tree, members and demo accounts; on a database that already
    has them, only set the demo accounts' passwords again."""
    if tx.scalar(select(Unit.id).where(Unit.code == ROOT_CODE)):
        return DemoResult(False, passwords=_set_demo_passwords(tx, passwords, password))
    rng = random.Random(seed)
    plan, holders = plan_tree(scale, rng, (tx.scalar(select(func.max(Unit.id))) or 0) + 1)
    now = utcnow()
    tx.execute(insert(Unit.__table__), [{**row, "created_at": now} for row in plan.units])
    tx.execute(
        insert(UnitEvent.__table__),
        [
            {"unit_id": row["id"], "action": "created", "details": {"source": "demo"}, "at": now}
            for row in plan.units
        ],
    )
    count = _insert_members(tx, passwords, rng, holders, scale.members, now)
    generated = _insert_demo_accounts(tx, passwords, plan, holders, password, now)
    _advance_sequences(tx, ("units", "users"))
    audit.record(
        tx,
        Actor.system("demo"),
        "demo.created",
        "unit",
        plan.units[0]["id"],
        units=len(plan.units),
        members=count,
    )
    return DemoResult(True, len(plan.units), count, generated)


def _advance_sequences(tx: Session, tables: tuple[str, ...]) -> None:
    # Ids were given explicitly; PostgreSQL's sequences must be moved past them
    # (SQLite takes max(id) + 1 by itself).
    if tx.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        tx.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
        )


def _next_user_id(tx: Session) -> int:
    return (tx.scalar(select(func.max(User.id))) or 0) + 1


def _user_row(uid: int, username: str, full_name: str, password_hash: str, now, demo: bool = False) -> dict:
    return {
        "id": uid,
        "username": username,
        "full_name": full_name,
        "member_code": None if demo else f"DM{uid:08d}",
        "password_hash": password_hash,
        "session_version": secrets.token_hex(16),
        "active": True,
        "is_demo": demo,
        "totp_last_step": 0,
        "created_at": now,
        "password_changed_at": now,
    }


def _insert_members(
    tx: Session, passwords: Passwords, rng: random.Random, holders: list[dict], total: int, now
) -> int:
    # One hash of a secret nobody keeps: members are real accounts that cannot log
    # in until an administrator gives them a code. Hashing 39,509 times would take
    # twenty minutes and prove nothing.
    shared_hash = passwords.hash(secrets.token_urlsafe(32))
    names = Usernames(set(tx.scalars(select(User.username))))
    uid = _next_user_id(tx)
    people, stays, grants = [], [], []
    for index, (unit, count) in enumerate(zip(holders, _spread(total, len(holders), rng, 3), strict=True)):
        for k in range(count):
            full_name = demo_names.person_name(rng)
            people.append(_user_row(uid, names.make(full_name), full_name, shared_hash, now))
            stays.append({"user_id": uid, "unit_id": unit["id"], "started_at": now})
            if k < 2 and index > 0:  # the first cell's secretary is demo.secretary
                grants.append(
                    {
                        "user_id": uid,
                        "role": (SECRETARY, DEPUTY_SECRETARY)[k],
                        "unit_id": unit["id"],
                        "granted_at": now,
                    }
                )
            uid += 1
    tx.execute(insert(User.__table__), people)
    tx.execute(insert(Membership.__table__), stays)
    if grants:
        tx.execute(insert(RoleGrant.__table__), grants)
    return len(people)


Placement = tuple[dict | None, str | None, dict | None]  # cell, role, unit the role is on


def _demo_layout(plan: Plan, holders: list[dict]) -> dict[str, Placement]:
    first, committee = holders[0], plan.units[1]
    inside = next((h for h in holders if h["path"].startswith(committee["path"])), first)
    return {
        "demo.member": (first, None, None),
        "demo.secretary": (first, SECRETARY, first),
        "demo.committee": (inside, COMMITTEE_VIEWER, committee),
        "demo.editor": (first, EDITOR, None),
        "demo.admin": (None, ADMIN, None),
    }


def _insert_demo_accounts(
    tx: Session, passwords: Passwords, plan: Plan, holders: list[dict], password: str | None, now
) -> dict[str, str]:
    generated, uid = {}, _next_user_id(tx)
    taken = set(tx.scalars(select(User.username).where(User.username.in_(DEMO_USERNAMES))))
    for username, (cell, role, on) in _demo_layout(plan, holders).items():
        if username in taken:
            continue
        secret = password or generated.setdefault(username, secrets.token_urlsafe(12))
        full_name = "Tài khoản mẫu " + username.split(".")[1]
        tx.execute(
            insert(User.__table__),
            [_user_row(uid, username, full_name, passwords.hash(secret), now, demo=True)],
        )
        if cell:
            tx.execute(
                insert(Membership.__table__), [{"user_id": uid, "unit_id": cell["id"], "started_at": now}]
            )
        if role:
            tx.execute(
                insert(RoleGrant.__table__),
                [{"user_id": uid, "role": role, "unit_id": on["id"] if on else None, "granted_at": now}],
            )
        uid += 1
    return generated


def _set_demo_passwords(tx: Session, passwords: Passwords, password: str | None) -> dict[str, str]:
    generated = {}
    for user in tx.scalars(select(User).where(User.username.in_(DEMO_USERNAMES), User.is_demo.is_(True))):
        secret = password or generated.setdefault(user.username, secrets.token_urlsafe(12))
        user.password_hash = passwords.hash(secret)
        users.sign_out_everywhere(tx, user)
    return generated
