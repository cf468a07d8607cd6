"""Cross-check with an independent implementation: the PyPI ``mrz`` package's checkers agree with
``parse_mrz`` on written MRZs and on MRZs with one wrong check digit, in all five formats."""

from __future__ import annotations

import datetime as dt
import random
import string
from collections.abc import Callable

import pytest
from mrz.checker.mrva import MRVACodeChecker
from mrz.checker.mrvb import MRVBCodeChecker
from mrz.checker.td1 import TD1CodeChecker
from mrz.checker.td2 import TD2CodeChecker
from mrz.checker.td3 import TD3CodeChecker

from filet.documents import DocumentData, MRZFormat, parse_mrz, write_mrz
from tests.documents.specimens import TODAY

PEERS: dict[MRZFormat, Callable[[str], object]] = {
    MRZFormat.TD1: TD1CodeChecker,
    MRZFormat.TD2: TD2CodeChecker,
    MRZFormat.TD3: TD3CodeChecker,
    MRZFormat.MRV_A: MRVACodeChecker,
    MRZFormat.MRV_B: MRVBCodeChecker,
}
COUNTRIES = ["FRA", "SYR", "AFG", "ERI", "NGA", "ITA", "IRQ", "D"]


def generated(fmt: MRZFormat, rng: random.Random) -> tuple[str, ...]:
    letters = string.ascii_uppercase
    return write_mrz(
        DocumentData(
            format=fmt,
            issuing_state=rng.choice(COUNTRIES),
            surname="".join(rng.choices(letters, k=rng.randint(2, 14))),
            given_names="".join(rng.choices(letters, k=rng.randint(0, 10))),
            document_number="".join(rng.choices(letters + string.digits, k=rng.randint(5, 9))),
            nationality=rng.choice(COUNTRIES),
            birth_date=dt.date(1945, 1, 1) + dt.timedelta(days=rng.randint(0, 28000)),
            sex=rng.choice("MF"),
            expiry_date=TODAY + dt.timedelta(days=rng.randint(1, 3600)),
            optional_data="".join(rng.choices(string.digits, k=rng.randint(0, 7))),
        )
    )


@pytest.mark.parametrize("fmt", list(MRZFormat))
def test_the_mrz_package_agrees(fmt: MRZFormat) -> None:
    rng = random.Random(fmt.value)
    for _ in range(60):
        lines = generated(fmt, rng)
        assert parse_mrz(lines, today=TODAY).valid
        assert bool(PEERS[fmt]("\n".join(lines))), lines
        line = 0 if fmt is MRZFormat.TD1 else 1
        index = 14 if fmt is MRZFormat.TD1 else 19
        damaged = list(lines)
        wrong = str((int(lines[line][index]) + rng.randint(1, 9)) % 10)
        damaged[line] = lines[line][:index] + wrong + lines[line][index + 1 :]
        assert not parse_mrz(damaged, today=TODAY).valid
        assert not bool(PEERS[fmt]("\n".join(damaged))), damaged
