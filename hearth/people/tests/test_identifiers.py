"""NHS number, UPN and postcode validation.

The UPN rules are checked against DfE's published algorithm (UK Government Data
Standards Catalogue, "Unique Pupil Number" v2.0, and the CIN census rule 1510): the
check letter at position 1 is the sum of characters 2-13 each multiplied by its
position (2-13), modulo 23, read in the alphabet A-Z without I, O and S; a letter in
position 13 (temporary UPN) counts as its index in that same alphabet.
"""

from __future__ import annotations

import string

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from hearth.people.identifiers import (
    UPN_LETTERS,
    nhs_check_digit,
    normalise_postcode,
    upn_check_letter,
    validate_nhs_number,
    validate_postcode,
    validate_upn,
)

digits = st.text(alphabet=string.digits, min_size=9, max_size=9)


def _is_valid_nhs(value: str) -> bool:
    try:
        validate_nhs_number(value)
    except ValidationError:
        return False
    return True


def _is_valid_upn(value: str) -> bool:
    try:
        validate_upn(value)
    except ValidationError:
        return False
    return True


# NHS number ---------------------------------------------------------------------------


def test_known_nhs_number_is_valid() -> None:
    assert validate_nhs_number("9434765919") == "9434765919"


@pytest.mark.parametrize("typed", ["943 476 5919", "943-476-5919", " 9434765919 ", "943 476-5919"])
def test_nhs_number_spaces_and_hyphens_are_accepted_and_removed(typed: str) -> None:
    assert validate_nhs_number(typed) == "9434765919"


@pytest.mark.parametrize("typed", ["", "943476591", "94347659190", "94347659I9", "abcdefghij"])
def test_nhs_number_of_the_wrong_shape_is_refused(typed: str) -> None:
    with pytest.raises(ValidationError) as e:
        validate_nhs_number(typed)
    assert e.value.code == "format"


def test_nhs_number_whose_check_digit_would_be_ten_is_refused() -> None:
    # 1000000010: 1*10 + 1*2 = 12; 11 - 12 % 11 = 10, so no tenth digit can complete it.
    assert nhs_check_digit("100000001") is None
    for last in string.digits:
        assert not _is_valid_nhs("100000001" + last)


@given(first_nine=digits)
def test_nhs_check_digit_completes_a_valid_number_and_no_other_digit_does(
    first_nine: str,
) -> None:
    check = nhs_check_digit(first_nine)
    for last in string.digits:
        expected_valid = check is not None and int(last) == check
        assert _is_valid_nhs(first_nine + last) is expected_valid


@given(
    first_nine=digits,
    position=st.integers(min_value=0, max_value=9),
    shift=st.integers(min_value=1, max_value=9),
)
def test_changing_any_single_digit_of_a_valid_nhs_number_makes_it_invalid(
    first_nine: str, position: int, shift: int
) -> None:
    check = nhs_check_digit(first_nine)
    if check is None:
        return
    number = first_nine + str(check)
    assert _is_valid_nhs(number)
    changed = str((int(number[position]) + shift) % 10)
    mistyped = number[:position] + changed + number[position + 1 :]
    assert not _is_valid_nhs(mistyped)


@given(first_nine=digits)
def test_nhs_check_digit_follows_modulus_eleven(first_nine: str) -> None:
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    remainder = (11 - total % 11) % 11
    assert nhs_check_digit(first_nine) == (None if remainder == 10 else remainder)


# UPN -----------------------------------------------------------------------------------


def _dfe_check_letter(body: str) -> str:
    """DfE's algorithm, written out again independently of the code under test."""
    alphabet = "ABCDEFGHJKLMNPQRTUVWXYZ"
    total = 0
    for position, char in zip(range(2, 14), body, strict=True):
        value = int(char) if char.isdigit() else alphabet.index(char)
        total += position * value
    return alphabet[total % 23]


def test_upn_alphabet_is_the_23_letters_without_i_o_s() -> None:
    assert "".join(c for c in string.ascii_uppercase if c not in "IOS") == UPN_LETTERS
    assert len(UPN_LETTERS) == 23


@pytest.mark.parametrize(
    ("upn", "working"),
    [
        # 2*8 + 4*1 + 5*2 + 10*5 + 13*1 = 93; 93 mod 23 = 1 -> B (python-stdnum's example).
        ("B801200005001", 93),
        # Temporary UPN: A in position 13 counts 0: 93 - 13 = 80; 80 mod 23 = 11 -> M.
        ("M80120000500A", 80),
        # Z counts 22: 80 + 13*22 = 366; 366 mod 23 = 21 -> Y.
        ("Y80120000500Z", 366),
        # 2*2 + 4*7 + 9*1 + 10*6 + 12*4 + 13*9 = 266; 266 mod 23 = 13 -> P.
        ("P207000016049", 266),
    ],
)
def test_upn_worked_examples_from_the_dfe_algorithm(upn: str, working: int) -> None:
    assert UPN_LETTERS[working % 23] == upn[0]
    assert upn_check_letter(upn[1:]) == upn[0]
    assert validate_upn(upn) == upn
    assert validate_upn(f"  {upn.lower()} ") == upn


@pytest.mark.parametrize("upn", ["A801200005001", "Q207000016049", "B80120000500A"])
def test_upn_with_the_wrong_check_letter_is_refused(upn: str) -> None:
    with pytest.raises(ValidationError) as e:
        validate_upn(upn)
    assert e.value.code == "check_letter"


@pytest.mark.parametrize(
    "upn", ["", "B80120000500", "B8012000050011", "880120000500A", "B8012000A5001", "B80120000500-"]
)
def test_upn_of_the_wrong_shape_is_refused(upn: str) -> None:
    with pytest.raises(ValidationError) as e:
        validate_upn(upn)
    assert e.value.code == "format"


upn_bodies = st.tuples(
    st.text(alphabet=string.digits, min_size=11, max_size=11),
    st.sampled_from(string.digits + UPN_LETTERS),
).map("".join)


@given(body=upn_bodies)
def test_upn_check_letter_matches_dfe_and_validates(body: str) -> None:
    check = upn_check_letter(body)
    assert check == _dfe_check_letter(body)
    assert _is_valid_upn(check + body)


@given(body=upn_bodies, first=st.sampled_from(string.ascii_uppercase))
def test_upn_with_any_other_first_letter_is_refused(body: str, first: str) -> None:
    assert _is_valid_upn(first + body) is (first == upn_check_letter(body))


@given(
    first=st.sampled_from(string.ascii_uppercase),
    middle=st.text(alphabet=string.digits, min_size=11, max_size=11),
    last=st.sampled_from("IOSios"),
)
def test_upn_letters_i_o_s_are_refused_in_position_13(first: str, middle: str, last: str) -> None:
    with pytest.raises(ValidationError) as e:
        validate_upn(first + middle + last)
    assert e.value.code == "format"


# Postcodes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("SE15 4QT", "SE15 4QT"),
        ("se15 4qt", "SE15 4QT"),
        ("se154qt", "SE15 4QT"),
        ("  SW1A   1AA ", "SW1A 1AA"),
        ("M1 1AE", "M1 1AE"),
        ("B33 8TH", "B33 8TH"),
        ("CR2 6XH", "CR2 6XH"),
        ("DN55 1PT", "DN55 1PT"),
        ("W1A 0AX", "W1A 0AX"),
        ("EC1A 1BB", "EC1A 1BB"),
        ("gir0aa", "GIR 0AA"),
        ("BFPO 123", "BFPO123"),
    ],
)
def test_valid_postcodes_are_accepted_and_normalised(typed: str, normalised: str) -> None:
    assert validate_postcode(typed) == normalised
    assert normalise_postcode(typed) == normalised


@pytest.mark.parametrize(
    "typed",
    ["", "nope", "A1", "12345", "SE1 7Q", "SE15 4QTX", "ABC 1AA", "SE1-7QD", "BFPO", "1SE 7QD"],
)
def test_invalid_postcodes_are_refused(typed: str) -> None:
    with pytest.raises(ValidationError, match="Enter a real postcode"):
        validate_postcode(typed)
