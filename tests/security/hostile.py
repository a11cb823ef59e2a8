"""Hostile request values, the requests that carry them, and the loop that sends them
to one route as every role. Values are bytes: a server receives bytes, and
percent-encoded invalid UTF-8 (a lone surrogate, a stray 0xFF) reaches no view any
other way."""

from __future__ import annotations

import json
import re
import time
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import quote_from_bytes

from flask import Flask
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

GENERATED = 6  # examples per route besides the explicit ones; each is sent as every role
# Derandomized and without a database of examples: every run sends the same requests.
FUZZ = settings(
    max_examples=GENERATED,
    deadline=None,
    derandomize=True,
    database=None,
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=list(HealthCheck),
)

# str.isdigit() is true for each, int() refuses some and reads others as numbers.
NON_ASCII_DIGITS = (
    "²",
    "¹⁰",
    "１２",
    "١٢",
    "۱۲",
    "১২",
    "߁",
    "𝟗",
    "²²²²²²",
    "１２３４５６",
    "٣٥-NQ/TW",
    "điều ５",
    "NQ²",
)
NUMBERS = (
    "0",
    "00",
    "-1",
    "+1",
    " 1",
    "1.5",
    "1e9",
    "0x10",
    "1_000",
    "9" * 20,
    str(2**31),
    str(2**63),
    str(2**64),
    "1" * 5000,
)
NFD = unicodedata.normalize("NFD", "Nghị quyết Đảng viên")
TEXT = (
    "\x00",
    "a\x00b",
    "\u202e12",
    "\u200f",
    "\u202bĐảng\u202c",
    "\ufeff",
    "\r\n",
    "\t",
    "a" * 5000,
    "đ" * 5000,
    NFD,
    "<script>",
    "%",
    "%%",
    "'",
    '"',
    "../..",
    "\\",
    "/",
    "//evil.example",
    "\ud800",
    "\udfff",
)
INVALID_UTF8 = (
    b"\xed\xa0\x80",
    b"\xff",
    b"\xc0\xaf",
    b"\xe2\x82",
    b"\xf4\x90\x80\x80",
    b"a\xedb",
    b"\x80\x80",
)
# Values a view accepts, so some examples get past the first check.
PLAUSIBLE = (
    "",
    "1",
    "2",
    "2024",
    "2024-01-01",
    "in_force",
    "moi-nhat",
    "ten",
    "xac-nhan",
    "luu-nhap",
    "xem-truoc",
    "quy-dinh-37",
    "Nghị quyết",
    "Đảng viên",
    "1\n2\n3",
)


def as_bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")  # a lone surrogate as its (invalid) UTF-8


# One of each kind, in every parameter at once: the explicit examples of every route.
ATTACKS = tuple(
    as_bytes(v)
    for v in ("²", "١٢", "１２３４５６", "9" * 20, "1" * 5000, "\x00", "\u202e12", NFD, "đ" * 5000, "\ud800")
) + (b"\xff",)
PATH_ATTACKS = tuple(as_bytes(v) for v in ("²", "١٢", "9" * 20, "1" * 5000, "\u202e")) + (b"\xff",)


def hostile_values(known: tuple[str, ...] = ()) -> st.SearchStrategy[bytes]:
    """Every kind equally likely, whatever the number of values of each; known: real
    ids, slugs and names, so some values lead somewhere."""
    kinds = [
        st.sampled_from(kind).map(as_bytes)
        for kind in (NON_ASCII_DIGITS, NUMBERS, TEXT, PLAUSIBLE, known)
        if kind
    ]
    return st.one_of(
        *kinds, st.sampled_from(INVALID_UTF8), st.text(max_size=12).map(as_bytes), st.binary(max_size=8)
    )


def path_values(converter: str, real: list[str]) -> st.SearchStrategy[bytes]:
    """A path segment for a converter (DatabaseId, UnicodeConverter, PathConverter):
    an existing row half of the time, so views get past their 404."""
    hostile = hostile_values()
    if converter == "PathConverter":
        hostile = st.one_of(hostile, st.just(b"a/../../b"), st.just(b"x/" * 50))
    return st.one_of(st.sampled_from([as_bytes(v) for v in real]), hostile) if real else hostile


def encode(pairs: list[tuple[str, bytes]]) -> str:
    return "&".join(
        f"{quote_from_bytes(as_bytes(k), safe='')}={quote_from_bytes(v, safe='')}" for k, v in pairs
    )


_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def fill_path(rule, values: dict[str, bytes]) -> str:
    return _ARGUMENT.sub(lambda m: quote_from_bytes(values[m.group(1)], safe=""), rule.rule)


@dataclass
class Probe:
    """One request: path, query string, and for writes a body."""

    path: str
    query: list[tuple[str, bytes]]
    fields: list[tuple[str, bytes]] = field(default_factory=list)
    files: list[tuple[str, bytes, bytes]] = field(default_factory=list)  # name, filename, content

    @property
    def url(self) -> str:
        return f"{self.path}?{encode(self.query)}" if self.query else self.path

    def form_body(self, token: str) -> tuple[bytes, str]:
        fields = [*self.fields, ("csrf_token", token.encode())]
        if not self.files:
            return encode(fields).encode("ascii"), "application/x-www-form-urlencoded"
        return _multipart(fields, self.files)

    def json_body(self) -> bytes:
        """The fields as a JSON object; undecodable bytes go in as the text they decode to."""
        values = {
            k: v.decode("utf-8", "surrogatepass") if _utf8ish(v) else v.decode("latin-1")
            for k, v in self.fields
        }
        return json.dumps(values).encode()

    def describe(self) -> str:
        sent = [f"{k}={v[:60]!r}" for k, v in self.fields]
        sent += [f"{k}: file {name[:60]!r}" for k, name, _ in self.files]
        return f"{self.url[:300]} {' '.join(sent)}".strip()


def _utf8ish(value: bytes) -> bool:
    try:
        value.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return False
    return True


BOUNDARY = "hostile-boundary-7Qx"


def _multipart(fields, files) -> tuple[bytes, str]:
    parts = [b'Content-Disposition: form-data; name="%s"\r\n\r\n%s' % (k.encode(), v) for k, v in fields]
    parts += [
        b'Content-Disposition: form-data; name="%s"; filename="%s"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n%s" % (k.encode(), name, content)
        for k, name, content in files
    ]
    mark = f"--{BOUNDARY}".encode()
    body = b"".join(mark + b"\r\n" + part + b"\r\n" for part in parts) + mark + b"--\r\n"
    return body, f"multipart/form-data; boundary={BOUNDARY}"


@dataclass(frozen=True)
class Target:
    """One rule and method, the names its view reads, and real values of its path."""

    rule: object
    method: str
    query: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    real: dict[str, list[str]] = field(default_factory=dict)
    known: tuple[str, ...] = ()

    def _converters(self) -> dict[str, str]:
        return {arg: type(conv).__name__ for arg, conv in self.rule._converters.items()}

    def _probe(self, path: dict[str, bytes], query, fields, files) -> Probe:
        return Probe(fill_path(self.rule, path), query, fields, files)

    def _real_path(self) -> dict[str, bytes]:
        return {arg: as_bytes(self.real[arg][0]) for arg in self._converters()}

    def explicit(self) -> list[Probe]:
        """Each attack in every parameter at once, on a real path; then each attack in
        every path argument."""
        found = [self._probe(self._real_path(), [], [], [])]
        if self.query or self.fields or self.files:
            found = [
                self._probe(
                    self._real_path(),
                    [(n, v) for n in self.query],
                    [(n, v) for n in self.fields],
                    [(n, v, v) for n in self.files],
                )
                for v in ATTACKS
            ]
        if self._converters():
            found += [self._probe(dict.fromkeys(self._converters(), v), [], [], []) for v in PATH_ATTACKS]
        return found

    def probes(self) -> st.SearchStrategy[Probe]:
        """Any mix: each name given no, one or two values (getlist reads them all)."""

        def pairs(names):
            values = st.lists(hostile_values(self.known), max_size=2)
            return st.tuples(*[values for _ in names]).map(
                lambda drawn: [(n, v) for n, found in zip(names, drawn, strict=True) for v in found]
            )

        path = st.fixed_dictionaries(
            {arg: path_values(conv, self.real[arg]) for arg, conv in self._converters().items()}
        )
        file = st.tuples(hostile_values(), hostile_values())
        files = file.map(lambda f: [(n, *f) for n in self.files]) if self.files else st.just([])
        return st.builds(self._probe, path, pairs(self.query), pairs(self.fields), files)


@dataclass
class World:
    """The app, a client per role, and the values paths and parameters can take."""

    app: Flask
    clients: dict
    bearers: dict  # the API takes tokens, not cookies
    csrf: dict[str, str]
    real: dict[str, list[str]]  # path argument → existing values, for reads
    victims: dict[str, list[str]]  # the same for writes: nobody signed in here
    known: tuple[str, ...]  # values for parameters that name something: ids, slugs, users


@dataclass
class Tally:
    """Requests sent, and one line per server error."""

    sent: int = 0
    failures: list[str] = field(default_factory=list)

    def report(self, kind: str, started: float) -> str:
        """The count on stdout (pytest -s), and the first failure of each route."""
        print(
            f"\n{kind}: {self.sent} hostile requests, {len(self.failures)} answered 5xx, "
            f"{time.monotonic() - started:.1f} s"
        )
        firsts: dict[str, str] = {}
        for line in self.failures:
            firsts.setdefault(line.split(" as ")[0], line)
        return "\n".join(firsts.values())


def send(world: World, role: str, target: Target, probe: Probe):
    """The probe as the role: forms with the role's CSRF token, the API with its bearer
    token and a JSON body."""
    api = target.rule.rule.startswith("/api/")
    client = world.clients["member" if api else role]  # cookies are ignored by the API
    headers = world.bearers[role] if api else {}
    if target.method == "GET":
        return client.get(probe.url, headers=headers)
    if api:
        return client.open(
            probe.url,
            method=target.method,
            data=probe.json_body(),
            headers=headers,
            content_type="application/json",
        )
    body, content_type = probe.form_body(world.csrf[role])
    return client.open(probe.url, method=target.method, data=body, content_type=content_type)


def fuzz(world: World, target: Target, tally: Tally) -> None:
    """The explicit probes, then generated ones, each sent as every role."""

    def check(probe: Probe) -> None:
        for role in world.clients:
            tally.sent += 1
            try:
                with send(world, role, target, probe) as response:  # closes file bodies
                    status = response.status_code
            except Exception as error:  # raised through the test client: a 500 in production
                status = f"{type(error).__name__}: {error}"[:200]
            if not isinstance(status, int) or status >= 500:
                tally.failures.append(
                    f"{status} {target.method} {target.rule.endpoint} as {role}: {probe.describe()}"
                )

    run = FUZZ(given(probe=target.probes())(check))
    for probe in reversed(target.explicit()):  # the outermost @example runs first
        run = example(probe=probe)(run)
    run()
