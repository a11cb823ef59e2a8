"""The data inventory: every table holding personal data is covered by export and erase."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, Text

from handbook.models import metadata
from handbook.privacy import registry
from handbook.privacy.registry import DELETE, KEEP, LINKS, NOT_PERSONAL, REFERENCES, SCRUB


def test_every_table_holding_personal_data_is_registered():
    problems = registry.unregistered(metadata)
    assert not problems, (
        "Personal data not covered by handbook/privacy/registry.py "
        "(export and erase):\n" + "\n".join(problems)
    )


def test_an_unregistered_table_is_named_with_its_columns():
    schema = MetaData()
    for table in metadata.sorted_tables:
        table.to_metadata(schema)
    Table(
        "member_notes",
        schema,
        Column("id", Integer, primary_key=True),
        Column("user_id", ForeignKey("users.id")),
        Column("written_by", ForeignKey("users.id")),
        Column("body", Text),
        Column("phone", String(20)),
        Column("position", Integer),
    )
    problems = registry.unregistered(schema)
    assert [p.split(":")[0] for p in problems] == [
        "member_notes.user_id",
        "member_notes.written_by",
        "member_notes.body",
        "member_notes.phone",
    ]
    assert "refers to users.id" in problems[0] and "looks personal" in problems[2]


def test_links_name_real_columns_and_classify_every_one():
    for link in LINKS:
        table = metadata.tables[link.table]
        columns = set(table.columns.keys())
        where = f"registry link {link.name}"
        assert link.column in columns, where
        assert not set(link.export) & set(link.withheld), f"{where}: exported and withheld"
        assert set(link.export) | set(link.withheld) == columns, (
            f"{where}: every column must be exported or withheld: "
            f"{sorted(columns - set(link.export) - set(link.withheld))}"
        )
        assert link.erase in (DELETE, SCRUB, KEEP), where
        assert bool(link.scrub) == (link.erase == SCRUB), where
        assert set(link.scrub) <= columns, where
        assert link.only is None or link.only[0] in columns, where
        # The member's id or username: users.id itself, a foreign key to it, or an
        # untyped target id narrowed by `only`.
        assert (
            (link.table, link.column) == ("users", "id")
            or link.by_username
            or link.only
            or registry.points_at_users(table.c[link.column])
        ), where
        assert link.label and link.why, where
    assert len({link.name for link in LINKS}) == len(LINKS)


def test_references_and_exemptions_name_real_columns():
    for ref in REFERENCES:
        column = metadata.tables[ref.table].c[ref.column]
        assert registry.points_at_users(column) and ref.why, f"{ref.table}.{ref.column}"
    for table, column in NOT_PERSONAL:
        assert column in metadata.tables[table].c, f"{table}.{column}"
