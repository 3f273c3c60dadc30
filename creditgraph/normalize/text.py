"""Text cleaning every normaliser starts from: whitespace, control characters, full-width forms.

``require_text`` is the door the other modules use: cleaned, half-width text, or a
``ValueError`` that names what was empty.
"""

import unicodedata

__all__ = ["CJK", "clean_text", "halfwidth", "require_text"]

CJK = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
"""The CJK character ranges, for use inside a regular-expression character class."""


def clean_text(s: str | None) -> str | None:
    """Strip, collapse every whitespace run to one space, drop control and format chars.

    Whitespace includes U+3000, NBSP, tabs and newlines; removed are C0/C1
    controls and format characters (zero-width space/joiners, BOM, bidi marks).
    Returns None for None or for a string that is empty after cleaning.
    """
    if s is None:
        return None
    if not isinstance(s, str):
        raise TypeError(f"clean_text expects str or None, got {type(s).__name__}")
    if s.isprintable():  # fast path: no controls, and ASCII space is the only whitespace
        return " ".join(s.split()) or None
    kept = "".join(
        " " if c.isspace() else ("" if unicodedata.category(c) in ("Cc", "Cf") else c)
        for c in s
    )
    return " ".join(kept.split()) or None


_HALFWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def halfwidth(s: str) -> str:
    """Map full-width ASCII forms (U+FF01–FF5E) and U+3000 to ASCII; CJK is left alone."""
    return s.translate(_HALFWIDTH)


def require_text(s, what: str) -> str:
    """Cleaned, half-width text, or ValueError saying ``what`` is empty or not a string."""
    text = clean_text(halfwidth(s)) if isinstance(s, str) else None
    if text is None:
        raise ValueError(f"{what} is empty" if isinstance(s, str) or s is None
                         else f"{what} must be a string, got {type(s).__name__}")
    return text
