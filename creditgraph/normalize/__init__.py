"""Normalisers and validators for Chinese registry and court data: the bottom layer.

Small pure functions (no I/O) that loaders apply to raw values, and that graph lookups,
synthetic data and analytics use to build the same keys. Each returns the canonical form
or raises ``ValueError`` with a message a loader can store as the quarantine reason;
``None`` means "empty input", and only where a docstring says so. Imports nothing from the
rest of creditgraph.

Modules, one idea each: :mod:`~creditgraph.normalize.text` (cleaning, full-width forms),
:mod:`~creditgraph.normalize.identifiers` (USCC, ID numbers and their masks, case
numbers), :mod:`~creditgraph.normalize.names` (scripts, firm and person names, match
keys), :mod:`~creditgraph.normalize.dates`, :mod:`~creditgraph.normalize.numbers`.
"""

from creditgraph.normalize.dates import parse_date
from creditgraph.normalize.identifiers import (
    IdNumber,
    case_year,
    hash_id,
    id_check_digit,
    id_matches_masked,
    is_masked_uscc,
    is_valid_id,
    is_valid_uscc,
    mask_id,
    masked_ids_compatible,
    normalize_case_no,
    normalize_uscc,
    parse_id,
    uscc_check_char,
    uscc_matches_masked,
)
from creditgraph.normalize.names import (
    company_match_key,
    is_organisation_name,
    is_person_name,
    name_key,
    normalize_company_name,
    normalize_person_name,
    person_key_name,
    published_text,
    record_name,
    to_simplified,
)
from creditgraph.normalize.numbers import parse_amount, parse_int, parse_ratio
from creditgraph.normalize.text import clean_text, halfwidth

__all__ = [
    "clean_text", "to_simplified", "halfwidth",
    "uscc_check_char", "is_valid_uscc", "normalize_uscc", "is_masked_uscc", "uscc_matches_masked",
    "IdNumber", "id_check_digit", "is_valid_id", "parse_id", "mask_id", "hash_id",
    "masked_ids_compatible", "id_matches_masked", "parse_date", "normalize_case_no", "case_year",
    "normalize_company_name", "company_match_key", "normalize_person_name",
    "published_text", "name_key", "person_key_name", "record_name",
    "is_organisation_name", "is_person_name", "parse_ratio", "parse_amount", "parse_int",
]
