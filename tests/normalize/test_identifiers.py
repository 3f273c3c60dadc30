"""creditgraph.normalize: USCC and ID numbers (check digits, masks, hashes).

Privacy: no full ID number appears literally here; test IDs are built from a
made-up region/birth date/sequence and the module's own check-digit function.
"""

import datetime as dt
import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from creditgraph.normalize import (
    IdNumber,
    hash_id,
    id_check_digit,
    id_matches_masked,
    is_masked_uscc,
    is_valid_id,
    is_valid_uscc,
    mask_id,
    masked_ids_compatible,
    normalize_uscc,
    parse_id,
    uscc_check_char,
    uscc_matches_masked,
)

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
TAIFU_USCC = "91230199744190927K"  # a company's public credit code, not personal data


def make_id(region="350102", birth="19720101", seq="123"):
    body = region + birth + seq
    return body + id_check_digit(body)


# --------------------------------------------------------------------- USCC


def test_uscc_real_code_validates():
    assert uscc_check_char(TAIFU_USCC[:17]) == "K"
    assert is_valid_uscc(TAIFU_USCC)
    assert normalize_uscc(" ９１２３０１９９７４４１９０９２７ｋ ") == TAIFU_USCC


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("91230199744190927", "18 characters"),
        ("91230199744190927KK", "18 characters"),
        ("9123019974419092IK", "invalid character 'I' at position 17"),
        ("91230199744190927A", "check character is 'A', expected 'K'"),
        ("", "empty"),
    ],
)
def test_normalize_uscc_says_what_is_wrong(raw, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        normalize_uscc(raw)
    assert not is_valid_uscc(raw)


def test_is_valid_uscc_on_non_strings():
    assert not is_valid_uscc(None)
    assert not is_valid_uscc(91230199744190927)


@pytest.mark.parametrize(
    ("masked", "expected"),
    [("91230199744****927K", True), ("912301*927K", True), ("*927K", True), ("*", False),
     ("91230199744190927K", False), ("9123**01**927K", False), ("91I3****927K", False),
     ("91230199744190927K*", False), ("", False), (None, False)],
)
def test_is_masked_uscc(masked, expected):
    assert is_masked_uscc(masked) is expected


def test_uscc_matches_masked():
    assert uscc_matches_masked(TAIFU_USCC, "91230199744****927K")
    assert uscc_matches_masked(TAIFU_USCC, "912301**927k")
    assert uscc_matches_masked(TAIFU_USCC, TAIFU_USCC)
    assert not uscc_matches_masked(TAIFU_USCC, "91230199745****927K")
    assert not uscc_matches_masked(TAIFU_USCC, "91230199744****928K")
    with pytest.raises(ValueError):
        uscc_matches_masked("91230199744190927A", "91230199744****927K")
    with pytest.raises(ValueError):
        uscc_matches_masked(TAIFU_USCC, "74419092-7")


uscc_bodies = st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17)


@given(uscc_bodies, st.integers(0, 17), st.sampled_from(USCC_ALPHABET))
@settings(max_examples=200, deadline=None)
def test_generated_uscc_validates_and_any_substitution_is_caught(body, i, c):
    code = body + uscc_check_char(body)
    assert is_valid_uscc(code)
    assume(code[i] != c)
    assert not is_valid_uscc(code[:i] + c + code[i + 1:])


@given(uscc_bodies, st.integers(0, 17), st.integers(0, 17), st.integers(1, 8))
@settings(max_examples=200, deadline=None)
def test_masked_uscc_matches_its_source(body, head, tail, stars):
    code = body + uscc_check_char(body)
    assume(1 <= head + tail <= 17)
    masked = code[:head] + "*" * stars + code[18 - tail:]
    assert is_masked_uscc(masked)
    assert uscc_matches_masked(code, masked)


# ---------------------------------------------------------------- ID numbers


def test_id_check_digit_and_full_parse():
    full = make_id()
    assert is_valid_id(full)
    person = parse_id(full)
    assert person == IdNumber(full=full, masked=full[:10] + "****" + full[14:], region_code="350102",
                              birth_year=1972, birth_date=dt.date(1972, 1, 1), sex="M")
    assert parse_id(make_id(seq="124")).sex == "F"
    assert full not in repr(person)


def test_id_check_digit_can_be_x():
    seqs = [f"{n:03d}" for n in range(1000)]
    with_x = next(make_id(seq=s) for s in seqs if make_id(seq=s).endswith("X"))
    assert is_valid_id(with_x.lower())
    assert parse_id(with_x.lower()).full == with_x
    fullwidth = with_x.lower().translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    assert parse_id(fullwidth).full == with_x


def test_id_check_digit_rejects_bad_body():
    with pytest.raises(ValueError):
        id_check_digit("3501021972010112")
    with pytest.raises(ValueError):
        id_check_digit("3501021972010112A")


def test_wrong_check_digit_is_rejected_without_leaking_the_number():
    full = make_id()
    wrong = full[:17] + ("0" if full[17] != "0" else "1")
    assert not is_valid_id(wrong)
    with pytest.raises(ValueError, match="wrong check digit") as err:
        parse_id(wrong)
    assert wrong not in str(err.value) and wrong[:10] + "****" in str(err.value)


@pytest.mark.parametrize("birth", ["19721301", "19720230", "18991231", "20991231"])
def test_id_with_impossible_birth_date_is_rejected(birth):
    full = make_id(birth=birth)
    assert not is_valid_id(full)
    with pytest.raises(ValueError, match="birth"):
        parse_id(full)


@pytest.mark.parametrize("garbage", ["", "abc", "12345", "350102197201011", make_id() + "5", make_id()[:17] + "A",
                                     "****", "35a1021972****3656", "3501X21972****3656", None, 42])
def test_parse_id_rejects_garbage(garbage):
    with pytest.raises(ValueError):
        parse_id(garbage)
    assert not is_valid_id(garbage)


@pytest.mark.parametrize(
    ("masked", "canonical", "region", "year", "sex"),
    [
        ("3501021972****3656", "3501021972****3656", "350102", 1972, "M"),
        ("3210811972*****3656", "3210811972****3656", "321081", 1972, "M"),
        ("350102********3656", "350102********3656", "350102", None, "M"),
        ("３５０１０２１９７２＊＊＊＊３６４x", "3501021972****364X", "350102", 1972, "F"),
        ("35010219******", "35010219**********", "350102", None, None),
        ("*****3656", "**************3656", None, None, "M"),
    ],
)
def test_parse_masked_id(masked, canonical, region, year, sex):
    person = parse_id(masked)
    assert (person.full, person.masked, person.region_code, person.birth_year, person.birth_date, person.sex) \
        == (None, canonical, region, year, None, sex)
    assert not is_valid_id(masked)


def test_masked_id_with_implausible_year_is_rejected():
    with pytest.raises(ValueError, match="birth year"):
        parse_id("3501021872****3656")


def test_mask_and_hash_need_a_full_id():
    full = make_id()
    assert mask_id(full) == full[:10] + "****" + full[14:]
    with pytest.raises(ValueError, match="full ID"):
        mask_id(mask_id(full))
    digest = hash_id(full, "secret")
    assert re.fullmatch(r"[0-9a-f]{32}", digest)
    assert hash_id(" " + full.lower() + " ", "secret") == digest
    assert hash_id(full, "other") != digest
    assert hash_id(make_id(seq="124"), "secret") != digest
    with pytest.raises(ValueError, match="key"):
        hash_id(full, "")


def test_masked_ids_compatible():
    full = make_id()
    tail = full[14:]
    assert masked_ids_compatible("3501021972****" + tail, "350102********" + tail)
    assert masked_ids_compatible("3501021972*****" + tail, "3501021972****" + tail)
    assert not masked_ids_compatible("3501021972****" + tail, "3501021973****" + tail)
    assert masked_ids_compatible("350102**********", "**********" + tail)  # nothing overlaps
    assert id_matches_masked(full, "3501021972****" + tail)
    assert not id_matches_masked(full, "3501031972****" + tail)
    with pytest.raises(ValueError, match="full ID"):
        id_matches_masked("3501021972****" + tail, full)


births = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date.today())
ids = st.builds(
    lambda region, born, seq: make_id(f"{region:06d}", born.strftime("%Y%m%d"), f"{seq:03d}"),
    st.integers(100000, 999999), births, st.integers(0, 999),
)


@given(ids, st.integers(0, 17), st.sampled_from("0123456789X"))
@settings(max_examples=200, deadline=None)
def test_generated_ids_validate_and_any_substitution_is_caught(full, i, c):
    assert is_valid_id(full)
    assume(full[i] != c and (i == 17 or c != "X"))
    changed = full[:i] + c + full[i + 1:]
    assert id_check_digit(changed[:17]) != changed[17]
    assert not is_valid_id(changed)


@given(ids)
@settings(max_examples=200, deadline=None)
def test_mask_is_compatible_with_its_source_and_hides_it(full):
    masked = mask_id(full)
    assert masked != full and masked[10:14] == "****"
    assert masked_ids_compatible(full, masked)
    assert id_matches_masked(full, masked)
    assert parse_id(masked).birth_year == parse_id(full).birth_year
