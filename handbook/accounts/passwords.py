"""Password hashing with Argon2id, and the policy a new password must meet."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from functools import cached_property

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from handbook.accounts.weak_passwords import WEAK_PASSWORDS
from handbook.errors import Problem
from handbook.text import fold, nfc

MIN_LENGTH = 8
MAX_LENGTH = 128
_TRAILING_NOISE = re.compile(r"[\d\W_]+$")


@dataclass(frozen=True)
class HashParams:
    time_cost: int = 2
    memory_cost: int = 19456  # KiB
    parallelism: int = 1

    @classmethod
    def from_config(cls, config) -> HashParams:
        return cls(
            int(config["ARGON2_TIME_COST"]),
            int(config["ARGON2_MEMORY_COST"]),
            int(config["ARGON2_PARALLELISM"]),
        )


class Passwords:
    """Hashes and verifies passwords. Both sides normalise to NFC, so a password
    typed on a keyboard that sends decomposed Vietnamese still matches."""

    def __init__(self, params: HashParams) -> None:
        self.params = params
        self.hasher = PasswordHasher(
            time_cost=params.time_cost,
            memory_cost=params.memory_cost,
            parallelism=params.parallelism,
            hash_len=32,
            salt_len=16,
            type=Type.ID,
        )

    def hash(self, password: str) -> str:
        return self.hasher.hash(nfc(password))

    @cached_property
    def dummy_hash(self) -> str:
        # Verified for unknown users so they cost the same time as real ones.
        return self.hash(secrets.token_urlsafe(24))

    def verify(self, stored: str | None, password: str) -> bool:
        """True only for a stored hash matching the password. With no stored hash
        a dummy one is verified anyway, so the time taken reveals nothing."""
        try:
            matched = self.hasher.verify(stored or self.dummy_hash, nfc(password))
        except (VerificationError, InvalidHashError):
            matched = False
        return matched and stored is not None

    def needs_rehash(self, stored: str) -> bool:
        try:
            return self.hasher.check_needs_rehash(stored)
        except InvalidHashError:
            return True


def _weak_key(password: str) -> str:
    return re.sub(r"\s+", "", fold(password).lower())


def password_problems(password: str, username: str = "", field: str = "mat_khau_moi") -> list[Problem]:
    """Every reason the password is refused; empty if it is acceptable."""
    password = nfc(password)
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(Problem(field, f"Mật khẩu phải có ít nhất {MIN_LENGTH} ký tự."))
    if len(password) > MAX_LENGTH:
        problems.append(Problem(field, f"Mật khẩu dài tối đa {MAX_LENGTH} ký tự."))
    key = _weak_key(password)
    core = _TRAILING_NOISE.sub("", key)
    if key in WEAK_PASSWORDS or (len(core) >= 4 and core in WEAK_PASSWORDS) or len(set(key)) < 3:
        problems.append(Problem(field, "Mật khẩu quá phổ biến, dễ đoán. Hãy chọn mật khẩu khác."))
    name_key = _weak_key(username).replace(".", "")
    if name_key and len(name_key) >= 4 and name_key in key.replace(".", ""):
        problems.append(Problem(field, "Mật khẩu không được chứa tên đăng nhập."))
    return problems
