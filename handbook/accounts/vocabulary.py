"""Fixed vocabularies of accounts: unit kinds and where they may sit, roles, audit actions."""

from __future__ import annotations

PROVINCE = "tinh_uy"
COMMITTEE = "dang_bo_truc_thuoc"
GRASSROOTS_COMMITTEE = "dang_bo_co_so"
GRASSROOTS_CELL = "chi_bo_co_so"
PARTIAL_COMMITTEE = "dang_bo_bo_phan"
CELL = "chi_bo"

UNIT_KINDS = {
    PROVINCE: "Tỉnh ủy",
    COMMITTEE: "Đảng bộ trực thuộc",
    GRASSROOTS_COMMITTEE: "Đảng bộ cơ sở",
    GRASSROOTS_CELL: "Chi bộ cơ sở",
    PARTIAL_COMMITTEE: "Đảng bộ bộ phận",
    CELL: "Chi bộ",
}

# Which kinds may be the parent of each kind. Committees may nest (a bloc's
# committee under another), so the tree has no fixed depth.
ALLOWED_PARENTS = {
    PROVINCE: frozenset(),
    COMMITTEE: frozenset({PROVINCE, COMMITTEE}),
    GRASSROOTS_COMMITTEE: frozenset({PROVINCE, COMMITTEE}),
    GRASSROOTS_CELL: frozenset({PROVINCE, COMMITTEE}),
    PARTIAL_COMMITTEE: frozenset({GRASSROOTS_COMMITTEE}),
    CELL: frozenset({GRASSROOTS_COMMITTEE, PARTIAL_COMMITTEE}),
}

# Members belong to a cell: a cell under a grassroots committee, or a grassroots cell.
MEMBER_UNIT_KINDS = frozenset({CELL, GRASSROOTS_CELL})

MEMBER = "member"
SECRETARY = "secretary"
DEPUTY_SECRETARY = "deputy_secretary"
COMMITTEE_VIEWER = "committee_viewer"
EDITOR = "editor"
ADMIN = "admin"

ROLES = {
    MEMBER: "Đảng viên",
    SECRETARY: "Bí thư chi bộ",
    DEPUTY_SECRETARY: "Phó bí thư chi bộ",
    COMMITTEE_VIEWER: "Cấp ủy (xem đơn vị và cấp dưới)",
    EDITOR: "Biên tập viên",
    ADMIN: "Quản trị viên",
}
# Roles granted on a unit; the others are granted for the whole system.
CELL_ROLES = frozenset({SECRETARY, DEPUTY_SECRETARY})
SCOPED_ROLES = CELL_ROLES | {COMMITTEE_VIEWER}
GLOBAL_ROLES = frozenset({EDITOR, ADMIN})
GRANTABLE_ROLES = SCOPED_ROLES | GLOBAL_ROLES
# Everyone holding one of these must enrol a second factor before using their tools.
PRIVILEGED_ROLES = GRANTABLE_ROLES

CODE_ACTIVATION = "activation"
CODE_RESET = "reset"

DEMO_USERNAMES = ("demo.member", "demo.secretary", "demo.committee", "demo.editor", "demo.admin")
# Who may open unit pages (each within their own scope).
UNIT_VIEWER_ROLES = (SECRETARY, DEPUTY_SECRETARY, COMMITTEE_VIEWER, ADMIN)
