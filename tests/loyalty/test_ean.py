import itertools
import re
import xml.etree.ElementTree as ET

import pytest

from loyalty import barcode, ean


@pytest.mark.parametrize(
    ("first12", "digit"),
    [
        ("400638133393", 1),  # GS1 / Wikipedia example 4006381333931
        ("590123412345", 7),  # 5901234123457
        ("978030640615", 7),  # ISBN 978-0-306-40615-7
        ("200000000000", 8),
        ("000000000000", 0),
    ],
)
def test_check_digit_of_known_numbers(first12, digit):
    assert ean.check_digit(first12) == digit
    assert ean.is_valid(first12 + str(digit))


@pytest.mark.parametrize("bad", ["40063813339", "4006381333a", "", "4006381333931", "٤٠٠٦٣٨١٣٣٣٩٣"])
def test_check_digit_needs_exactly_twelve_ascii_digits(bad):
    with pytest.raises(ValueError):
        ean.check_digit(bad)


@pytest.mark.parametrize(
    "code",
    ["4006381333932", "400638133393", "40063813339311", "4006381333 31", "", "٤٠٠٦٣٨١٣٣٣٩٣١"],
)
def test_invalid_codes_are_rejected(code):
    assert not ean.is_valid(code)


def test_every_single_digit_typo_is_detected():
    code = "4006381333931"
    for position in range(13):
        for digit in "0123456789":
            if digit != code[position]:
                typo = code[:position] + digit + code[position + 1 :]
                assert not ean.is_valid(typo), typo


def test_generated_card_numbers_are_valid_in_store_and_random():
    numbers = [ean.card_number_generate() for _ in range(500)]
    assert all(re.fullmatch(r"2\d{12}", n) for n in numbers)
    assert all(ean.is_valid(n) and ean.is_in_store(n) for n in numbers)
    assert len(set(numbers)) == 500
    # not sequential: consecutive numbers are far apart
    bodies = sorted(int(n[:12]) for n in numbers)
    assert min(b - a for a, b in itertools.pairwise(bodies)) > 1
    assert {n[:2] for n in numbers} == {str(p) for p in range(20, 30)}


def test_in_store_range_is_20_to_29():
    assert ean.is_in_store("2000000000008")
    assert not ean.is_in_store("4006381333931")
    body = "300000000000"
    assert not ean.is_in_store(body + str(ean.check_digit(body)))


def test_normalise_strips_spaces_and_dashes():
    assert ean.normalise(" 2 012345-678901 ") == "2012345678901"


# -- barcode -------------------------------------------------------------------------------------

# 4006381333931 composed by hand from the GS1 tables: first digit 4 → parity LGLLGG.
EXPECTED_4006381333931 = (
    "101"
    + "0001101"  # 0 L
    + "0100111"  # 0 G
    + "0101111"  # 6 L
    + "0111101"  # 3 L
    + "0001001"  # 8 G
    + "0110011"  # 1 G
    + "01010"
    + "1000010"  # 3 R
    + "1000010"  # 3 R
    + "1000010"  # 3 R
    + "1110100"  # 9 R
    + "1000010"  # 3 R
    + "1100110"  # 1 R
    + "101"
)


def test_bar_pattern_of_a_known_ean():
    assert barcode.modules("4006381333931") == EXPECTED_4006381333931
    assert len(EXPECTED_4006381333931) == 95


def test_encoding_tables_are_consistent():
    for digit in range(10):
        left, even, right = barcode.L_CODES[digit], barcode.G_CODES[digit], barcode.R_CODES[digit]
        # R is L inverted, G is R mirrored; every code has 2 bars and 2 spaces
        assert right == left.translate(str.maketrans("01", "10"))
        assert even == right[::-1]
        for code in (left, even, right):
            assert len(code) == 7
            assert len(re.findall(r"1+", code)) == 2
        assert left.startswith("0") and right.startswith("1")


def _decode(pattern: str) -> str:
    """Independent decoder: read the symbol back from its modules."""
    assert pattern[:3] == "101" and pattern[45:50] == "01010" and pattern[-3:] == "101"
    left = [pattern[3 + 7 * i : 10 + 7 * i] for i in range(6)]
    right = [pattern[50 + 7 * i : 57 + 7 * i] for i in range(6)]
    parity, digits = "", ""
    for chunk in left:
        if chunk in barcode.L_CODES:
            parity += "L"
            digits += str(barcode.L_CODES.index(chunk))
        else:
            parity += "G"
            digits += str(barcode.G_CODES.index(chunk))
    first = barcode.FIRST_DIGIT_PARITY.index(parity)
    return str(first) + digits + "".join(str(barcode.R_CODES.index(c)) for c in right)


def test_generated_cards_decode_to_their_number():
    for _ in range(50):
        number = ean.card_number_generate()
        assert _decode(barcode.modules(number)) == number


def test_svg_draws_the_bars_of_the_pattern():
    svg = str(barcode.svg("4006381333931"))
    root = ET.fromstring(svg)  # noqa: S314 (our own markup)
    ns = "{http://www.w3.org/2000/svg}"
    bars = root.find(f"{ns}g").findall(f"{ns}rect")
    drawn = ["0"] * 95
    for rect in bars:
        x = int(rect.get("x")) - barcode.QUIET_LEFT
        for i in range(x, x + int(rect.get("width"))):
            drawn[i] = "1"
    assert "".join(drawn) == EXPECTED_4006381333931
    texts = [t.text for t in root.iter(f"{ns}text")]
    assert "".join(texts) == "4006381333931"


def test_svg_refuses_an_invalid_number():
    with pytest.raises(ValueError):
        barcode.svg("4006381333932")
