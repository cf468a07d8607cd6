"""ICAO Doc 9303 machine-readable travel documents: read, validate and write MRZs; document alerts.

- :func:`parse_mrz` reads TD1, TD2, TD3, MRV-A and MRV-B zones into an :class:`MRZResult` with every
  field, every check digit (field / expected / found / ok), OCR corrections and problems (each with
  line and position).
- :func:`write_mrz` writes an MRZ from :class:`DocumentData`, transliterating names with
  :func:`transliterate_mrz_name` (Doc 9303 part 3 tables) and truncating them by the rules.
- :class:`DocumentAlertIndex` answers "is this document lost, stolen or revoked?" in memory, for
  exact numbers and stolen-blank number ranges; :func:`read_alert_csv` reads alert lists.
"""

from filet.documents._alerts import (
    AlertStatus,
    DocumentAlertIndex,
    DocumentAlertRecord,
    normalise_document_number,
    read_alert_csv,
)
from filet.documents._checkdigit import check_digit
from filet.documents._layout import MRZFormat
from filet.documents._reader import parse_mrz
from filet.documents._result import (
    CheckDigitResult,
    Correction,
    DocumentValidity,
    ExtendedNumberConvention,
    MRZDate,
    MRZField,
    MRZResult,
    Problem,
)
from filet.documents._transliteration import mrz_name_variants, transliterate_mrz_name
from filet.documents._writer import DocumentData, write_mrz

__all__ = [
    "AlertStatus",
    "CheckDigitResult",
    "Correction",
    "DocumentAlertIndex",
    "DocumentAlertRecord",
    "DocumentData",
    "DocumentValidity",
    "ExtendedNumberConvention",
    "MRZDate",
    "MRZField",
    "MRZFormat",
    "MRZResult",
    "Problem",
    "check_digit",
    "mrz_name_variants",
    "normalise_document_number",
    "parse_mrz",
    "read_alert_csv",
    "transliterate_mrz_name",
    "write_mrz",
]
