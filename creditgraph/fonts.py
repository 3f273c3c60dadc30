"""The CJK font that PDFs (the entity report, the published lists) embed: found, not shipped.

Looks at ``$CREDITGRAPH_CJK_FONT``, the usual install paths, then fontconfig; a candidate counts
only if it really has Chinese glyphs.
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
import subprocess
from pathlib import Path

from creditgraph.errors import ReportError

__all__ = ["find_cjk_font", "CJK_FONT_ENV"]

log = logging.getLogger(__name__)

CJK_FONT_ENV = "CREDITGRAPH_CJK_FONT"

_CJK_PROBE = "信用报告失信"
_KNOWN_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",     # Debian/Ubuntu fonts-noto-cjk
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",          # Arch noto-fonts-cjk
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",   # Fedora
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",             # fonts-wqy-microhei
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",               # fonts-wqy-zenhei
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",  # fonts-droid-fallback
    "/System/Library/Fonts/STHeiti Light.ttc",                    # macOS
    "C:/Windows/Fonts/msyh.ttc",                                  # Windows
)
_INSTALL_HINT = (f"install a CJK font (Debian/Ubuntu: apt-get install fonts-noto-cjk) "
                 f"or set {CJK_FONT_ENV} to a .ttf/.otf/.ttc file that has Chinese glyphs")


@functools.lru_cache(maxsize=16)
def _cjk_face(path: str) -> int | None:
    """Index of the face in ``path`` to use for Chinese (a Simplified one when the file is a
    collection), or None when no face has the glyphs or the file is not a font."""
    from fontTools.ttLib import TTCollection, TTFont, TTLibError

    try:
        if path.lower().endswith((".ttc", ".otc")):
            faces = list(TTCollection(path, lazy=True).fonts)
        else:
            faces = [TTFont(path, lazy=True)]
    except (OSError, TTLibError, AssertionError) as e:
        log.debug("not a usable font file %s: %s", path, e)
        return None
    def preference(i: int) -> tuple[bool, bool, int]:
        family = str(faces[i]["name"].getDebugName(1) or "")
        return not family.endswith(" SC"), "Mono" in family, i

    for i in sorted(range(len(faces)), key=preference):  # cmaps are slow to read: stop at the first fit
        cmap = faces[i].getBestCmap() or {}
        if all(ord(c) in cmap for c in _CJK_PROBE):
            return i
    return None


def _fc_match() -> str | None:
    exe = shutil.which("fc-match")
    if not exe:
        return None
    try:
        out = subprocess.run([exe, "-f", "%{file}", "Noto Sans CJK SC:lang=zh-cn"],
                             capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        log.debug("fc-match failed: %s", e)
        return None
    return out.stdout.strip() or None


def find_cjk_font() -> tuple[Path, int]:
    """The font file (and face index within a collection) for Chinese text in reports.

    Looks at ``$CREDITGRAPH_CJK_FONT``, then the usual install paths, then asks fontconfig;
    a candidate counts only if it really has Chinese glyphs (fontconfig answers with *some*
    font even when no CJK font is installed). Raises :class:`ReportError` when none is found.
    """
    if env := os.environ.get(CJK_FONT_ENV):
        face = _cjk_face(env) if Path(env).is_file() else None
        if face is None:
            raise ReportError(f"{CJK_FONT_ENV}={env!r} is not a font file with Chinese glyphs; {_INSTALL_HINT}")
        return Path(env), face
    for candidate in (*_KNOWN_FONTS, _fc_match()):
        if candidate and Path(candidate).is_file() and (face := _cjk_face(candidate)) is not None:
            return Path(candidate), face
    raise ReportError(f"no font with Chinese glyphs found for the PDF report; {_INSTALL_HINT}")
