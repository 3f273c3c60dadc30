"""Numbers as sources write them: shares (``46.55%``), amounts in yuan (``12.5万``), integers (``2017.0``)."""

import re
from decimal import Decimal, InvalidOperation

from creditgraph.normalize.text import require_text

__all__ = ["parse_ratio", "parse_amount", "parse_int"]

_AMOUNT = re.compile(r"(?:人民币|RMB|CNY|¥|￥)?([-+]?\d+(?:\.\d+)?)(万亿|亿|万|千)?元?(?:人民币)?",
                     re.I | re.ASCII)
_UNITS = {None: 1, "千": 10**3, "万": 10**4, "亿": 10**8, "万亿": 10**12}


def _decimal(s, what: str) -> Decimal:
    if isinstance(s, bool) or not isinstance(s, (str, int, float, Decimal)):
        raise ValueError(f"{what} must be a string or number, got {type(s).__name__}")
    try:
        value = Decimal(s) if isinstance(s, (int, Decimal)) else Decimal(str(s))
    except InvalidOperation:
        raise ValueError(f"{what} is not a number: {s!r}") from None
    if not value.is_finite():
        raise ValueError(f"{what} is not a finite number: {s!r}")
    return value


def _number_text(s, what: str) -> str:
    return require_text(s, what).replace(",", "").replace(" ", "")


def parse_ratio(s, *, percent: bool = False) -> float:
    """A share in 0..1 from ``46.55%``, ``0.4655`` or, with ``percent=True``, ``46.55``."""
    if isinstance(s, str):
        text = _number_text(s, "ratio")
        percent = percent or text.endswith("%")
        s = text.removesuffix("%")
    value = _decimal(s, "ratio") / (100 if percent else 1)
    if not 0 <= value <= 1:
        hint = "" if percent else " (pass percent=True if it is a percentage)"
        raise ValueError(f"ratio {value} is outside 0..1{hint}")
    return float(value)


def parse_amount(s) -> float:
    """An amount in yuan from ``1,234.5``, ``1234``, ``12.5万`` (×10⁴), ``3亿元`` (×10⁸), ``500元``."""
    if isinstance(s, str):
        text = _number_text(s, "amount")
        if not (m := _AMOUNT.fullmatch(text)):
            raise ValueError(f"unrecognised amount {text!r}")
        return float(Decimal(m[1]) * _UNITS[m[2]])
    return float(_decimal(s, "amount"))


def parse_int(s) -> int:
    """An integer from ``1,234``, ``2017`` or ``2017.0`` (as pandas writes it); raises on fractions."""
    value = _decimal(_number_text(s, "integer") if isinstance(s, str) else s, "integer")
    if value != value.to_integral_value():
        raise ValueError(f"not a whole number: {s!r}")
    return int(value)
