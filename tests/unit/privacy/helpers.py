"""Privacy test data: members with rows in every table the registry links to a member,
and a scan of every text value in the database."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import JSON, String, Text, select
from sqlalchemy.orm import Session

from handbook.accounts import codes, principal, roles, tokens, users
from handbook.accounts.audit import Actor
from handbook.accounts.models import User
from handbook.accounts.vocabulary import CODE_RESET, EDITOR, SECRETARY
from handbook.app_db import get_db
from handbook.content.revisions import save_revision
from handbook.content.source import parse_source
from handbook.models import metadata
from handbook.notifications import reminders
from handbook.study import completion, documents, quizzes, reflections
from handbook.study.models import Campaign
from tests import factories
from tests.unit.study.helpers import ACTOR, make_campaign, read_all

QD37, NQ35 = "quy-dinh-37", "nghi-quyet-35"
CODE_KEY = b"privacy-tests-code-key"


@dataclass
class Person:
    user: User
    member_code: str
    token: str

    @property
    def marks(self) -> tuple[str, str, str]:
        return self.user.username, self.user.full_name, self.member_code


@dataclass
class Seeded:
    member: Person
    other: Person
    secretary: User
    campaign: Campaign


def _seed_person(app, content_dir: Path, user: User, member_code: str, campaign: Campaign) -> str:
    """Rows about user in every linked table but reminders (sent to the whole cell)."""
    actor = Actor(user.id, user.username, "203.0.113.7")
    read_all(app, user.id, QD37)
    with app.app_context(), get_db(app).transaction() as tx:
        users.update_profile(tx, ACTOR, user.id, user.full_name, member_code)
        roles.grant(tx, ACTOR, user.id, EDITOR)
        codes.issue(tx, CODE_KEY, tx.get(User, user.id), CODE_RESET, hours=24)
        token, _ = tokens.issue(tx, actor, user.id, f"Điện thoại của {user.full_name}", days=30)
        completion.confirm(tx, user.id, QD37)
        reflections.submit(
            tx, user.id, campaign.id, f"Tôi, {user.full_name}, thu hoạch được nhiều điều từ Quy định 37."
        )
        doc = documents.load(tx, QD37)
        question = quizzes.questions(tx, doc.id)[0]
        quizzes.grade(tx, user.id, doc, {question.id: question.answer})
        raw = (content_dir / f"{QD37}.md").read_text(encoding="utf-8")
        save_revision(
            tx,
            parse_source(QD37, raw + "\n\nĐoạn bổ sung."),
            author=user.username,
            note=f"Sửa bởi {user.full_name}",
        )
    return token


def seed(app, content_dir: Path, tree, member: User) -> Seeded:
    """member (of cell A) and another member of cell A, each with data in every linked
    table, and the cell's secretary who reminded them both."""
    campaign = make_campaign(app, [tree.grassroots], [QD37, NQ35], title="Học tập Quy định 37")
    with app.app_context(), get_db(app).transaction() as tx:
        quizzes.add_question(
            tx,
            ACTOR,
            documents.load(tx, QD37).id,
            "Quy định 37 về gì?",
            "Những điều đảng viên không được làm\nKinh tế",
            "1",
        )
    secretary = factories.make_user(
        app, "do.thi.giang", cell=tree.cell_a, full_name="Đỗ Thị Giang", grants=((SECRETARY, tree.cell_a),)
    )
    other = factories.make_user(app, "le.thi.hoa", cell=tree.cell_a, full_name="Lê Thị Hoa")
    people = [
        Person(user, code, _seed_person(app, content_dir, user, code, campaign))
        for user, code in ((member, "DV-0042-TL"), (other, "DV-0043-TL"))
    ]
    with app.app_context(), get_db(app).transaction() as tx:
        perms = principal.permissions_of(tx, secretary.id)
        reminders.send_reminders(
            tx, Actor(secretary.id, secretary.username), perms, tree.cell_a.id, campaign.id
        )
    return Seeded(people[0], people[1], secretary, campaign)


def text_values(session: Session) -> list[tuple[str, str, str]]:
    """(table, column, value) for every text and JSON value stored in the database."""
    found = []
    for table in metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
        if not columns:
            continue
        for row in session.execute(select(*columns)):
            found += [
                (table.name, name, str(value)) for name, value in row._mapping.items() if value is not None
            ]
    return found


def naming(session: Session, marks) -> list[tuple[str, str, str]]:
    """Stored values containing any of marks (case-insensitive)."""
    folded = [m.casefold() for m in marks]
    return [hit for hit in text_values(session) if any(m in hit[2].casefold() for m in folded)]
