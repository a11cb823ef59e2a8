"""Password policy and hashing: lengths, Unicode forms, weak passwords, Argon2id cost."""

from __future__ import annotations

import unicodedata

import pytest
from argon2 import extract_parameters
from argon2.low_level import Type

from handbook.accounts import auth
from handbook.accounts.audit import Actor
from handbook.accounts.models import User
from handbook.accounts.passwords import HashParams, Passwords, password_problems
from handbook.app_db import get_db
from handbook.config import ACCOUNT_DEFAULTS
from tests import factories

FAST = Passwords(HashParams(time_cost=1, memory_cost=64, parallelism=1))


@pytest.mark.parametrize(
    ("password", "accepted"),
    [
        ("Abc d1!", False),  # 7 characters
        ("Tân Lập8", True),  # 8, with a space and diacritics
        ("Đ" * 2 + "ảng viên gương mẫu 1930", True),
        ("abc7" * 16, True),  # 64
        ("Ngọc" * 32, True),  # 128
        ("Ngọc" * 32 + "x", False),  # 129
    ],
)
def test_length_boundaries(password, accepted):
    assert (password_problems(password) == []) is accepted


@pytest.mark.parametrize(
    "password",
    [
        "12345678",
        "password",
        "matkhau123",
        "Đảng viên 123",
        "dangcongsan",
        "tinhuy2025",
        "Bình Phước 1",
        "11111111",
        "iloveyou",
        "qwerty123",
        "Hồ Chí Minh 1890",
    ],
)
def test_common_and_context_passwords_are_refused(password):
    assert any("phổ biến" in p.reason for p in password_problems(password))


def test_password_may_not_contain_the_username():
    assert password_problems("nguyen.van.an 2024", "nguyen.van.an")


def test_the_exact_password_is_stored_without_truncation_or_case_change():
    stored = FAST.hash("Ngọc" * 32)
    assert FAST.verify(stored, "Ngọc" * 32)
    assert not FAST.verify(stored, "Ngọc" * 31 + "Ngọ")
    assert not FAST.verify(FAST.hash("Sáng Tạo 99"), "sáng tạo 99")


def test_nfc_and_nfd_forms_of_one_password_both_work():
    typed = "Đảng viên kiểu mẫu"
    stored = FAST.hash(unicodedata.normalize("NFD", typed))
    assert FAST.verify(stored, unicodedata.normalize("NFC", typed))
    assert FAST.verify(FAST.hash(typed), unicodedata.normalize("NFD", typed))


def test_unknown_user_verification_still_runs_and_fails():
    assert FAST.verify(None, "bất kỳ") is False
    assert FAST.dummy_hash.startswith("$argon2id$")


def test_production_parameters_are_owasp_argon2id(app):
    production = Passwords(
        HashParams.from_config({"ARGON2_TIME_COST": 2, "ARGON2_MEMORY_COST": 19456, "ARGON2_PARALLELISM": 1})
    )
    params = extract_parameters(production.hash("Mật khẩu thử nghiệm 1"))
    assert params.type is Type.ID
    assert (params.memory_cost, params.time_cost, params.parallelism) == (19456, 2, 1)
    assert HashParams.from_config(ACCOUNT_DEFAULTS) == production.params


def test_login_rehashes_when_parameters_were_raised(app, tree):
    user = factories.make_user(app, "nguyen.van.an")
    stronger = Passwords(HashParams(time_cost=2, memory_cost=128, parallelism=1))
    with app.app_context(), get_db(app).transaction() as tx:
        auth.rehash_if_needed(tx, stronger, user.id, factories.PASSWORD, Actor.system("test"))
    with app.app_context(), get_db(app).transaction() as tx:
        stored = tx.get(User, user.id).password_hash
    assert extract_parameters(stored).memory_cost == 128
    assert stronger.verify(stored, factories.PASSWORD)
