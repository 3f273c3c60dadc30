"""Dates in the forms the shared data uses (compact, dashed, slashed, 年月日, German dotted)."""

import datetime as dt
import re

from creditgraph.normalize.text import require_text

__all__ = ["parse_date"]

# optional time after "T", a space, or glued on (then two-digit hour); zone accepted, ignored
_TIME = (r"(?:(?:[T ]|(?=\d{2}:))(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,]\d+)?)?"
         r"(?:Z|[+-]\d{2}:?\d{2})?)?")
_DATE_FORMS = [
    re.compile(p + _TIME, re.ASCII)
    for p in (
        r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})",  # 20180302
        r"(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})",  # 2018-03-02, 2017/8/31
        r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日?",  # 2018年4月8日
        r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})",  # 08.04.2018 (German)
    )
]


def parse_date(s) -> dt.date:
    """Parse the date forms found in the shared data; a trailing time is checked and dropped.

    ``20180302``, ``2018-03-02``, ``2017/8/31``, ``2018.03.02``, ``2018年4月8日``, German
    ``08.04.2018``; each optionally with a time (after ``T``, a space, or glued on as in
    ``2003/04/1000:00:00.000``); ``date``/``datetime`` objects. The date is taken as
    written (no time-zone shift). ValueError for other forms, impossible dates, and
    years outside 1900–2100.
    """
    if isinstance(s, dt.datetime):
        return s.date()
    if isinstance(s, dt.date):
        return s
    text = re.sub(r"\s*([年月])\s*|\s+(?=日)", r"\1", require_text(s, "date"))
    for form in _DATE_FORMS:
        if m := form.fullmatch(text):
            break
    else:
        raise ValueError(f"unrecognised date {text!r}")
    if m["h"] and (int(m["h"]) > 23 or int(m["mi"]) > 59 or int(m["s"] or 0) > 59):
        raise ValueError(f"impossible time in {text!r}")
    y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
    if not 1900 <= y <= 2100:
        raise ValueError(f"year {y} outside 1900–2100 in {text!r}")
    try:
        return dt.date(y, mo, d)
    except ValueError:
        raise ValueError(f"impossible date {text!r}") from None
