"""Validation of the identifiers a person may carry: NHS number, UPN, postcode.

- NHS number: 10 digits, the last a modulus 11 check digit (weights 10 down to 2;
  11 minus the remainder, 11 becomes 0, 10 means the number is invalid). Source: NHS
  Digital, NHS Data Model and Dictionary, "NHS Number".
- Unique pupil number (UPN): 13 characters; the first is a check letter computed from
  characters 2-13 (weights 2-13, the sum modulo 23 indexing the 23 letters A-Z less I,
  O and S); characters 2-12 are digits; character 13 is a digit, or a letter from the
  same alphabet (standing for 0-22) for a temporary UPN. Source: DfE, "Unique pupil
  numbers (UPNs): guidance for schools and local authorities", and the CIN census
  pattern [A-Za-z]\\d{12} | [A-Za-z]\\d{11}[A-Za-z].
- Postcode: the UK format (outward code, space, inward code), normalised to capitals
  with one space; BFPO and the GIR 0AA girobank code are accepted.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23 letters: no I, O or S
NHS_WEIGHTS = range(10, 1, -1)


def normalise_nhs_number(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")


def nhs_check_digit(first_nine: str) -> int | None:
    """The check digit for nine digits, or None where no valid number can end them."""
    total = sum(int(d) * w for d, w in zip(first_nine, NHS_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def validate_nhs_number(value: str) -> str:
    number = normalise_nhs_number(value)
    if not re.fullmatch(r"\d{10}", number):
        raise ValidationError("Enter an NHS number of 10 digits, like 943 476 5919", code="format")
    expected = nhs_check_digit(number[:9])
    if expected is None or expected != int(number[9]):
        raise ValidationError(
            "Enter a valid NHS number: the last digit does not match the check digit",
            code="check_digit",
        )
    return number


def upn_check_letter(body: str) -> str:
    """The check letter for characters 2-13 of a UPN (12 characters)."""
    total = 0
    for weight, char in enumerate(body.upper(), start=2):
        total += weight * (int(char) if char.isdigit() else UPN_LETTERS.index(char))
    return UPN_LETTERS[total % 23]


def validate_upn(value: str) -> str:
    upn = (value or "").strip().upper()
    if not re.fullmatch(r"[A-Z]\d{11}[0-9A-Z]", upn) or (
        upn[12].isalpha() and upn[12] not in UPN_LETTERS
    ):
        raise ValidationError(
            "Enter a UPN of 13 characters: a letter, 11 digits, then a digit or letter",
            code="format",
        )
    if upn[0] != upn_check_letter(upn[1:]):
        raise ValidationError(
            "Enter a valid UPN: the first letter does not match the check letter",
            code="check_letter",
        )
    return upn


_POSTCODE = re.compile(r"^(GIR ?0AA|BFPO ?\d{1,4}|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})$")


def normalise_postcode(value: str) -> str:
    compact = re.sub(r"\s+", "", (value or "").upper())
    if len(compact) >= 5 and not compact.startswith("BFPO"):
        return f"{compact[:-3]} {compact[-3:]}"
    return compact


def validate_postcode(value: str) -> str:
    postcode = normalise_postcode(value)
    if not _POSTCODE.match(postcode):
        raise ValidationError("Enter a real postcode, like SE1 7QD", code="format")
    return postcode


def looks_like_postcode(value: str) -> bool:
    return bool(_POSTCODE.match(normalise_postcode(value)))
