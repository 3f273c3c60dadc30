"""The risk level of a firm or person (high / medium / low) from its stored scores.

One rule, read by the explorer's badges and network colours, the entity page, the PDF report and
the command line (``creditgraph entity``): a flag — shell, repeat offender, either side of an
asset-moving lead — makes an entity high risk; a shell score or a dishonesty spread at or above
its threshold makes it medium; anything else is low. The same shell-score threshold decides when
a firm's shell reasons are worth showing: below it, unflagged, the score stayed low.

Pure functions over a property mapping (an entity's ``props``); O(1).
"""

from __future__ import annotations

from typing import Any, Literal, Mapping

__all__ = ["risk_level", "shows_shell_reasons", "HIGH_FLAGS", "SHELL_MEDIUM", "SPREAD_MEDIUM", "LEVELS", "Level"]

Level = Literal["high", "medium", "low"]
#: The levels, worst first.
LEVELS: tuple[Level, ...] = ("high", "medium", "low")
#: Properties any of which, set, make an entity high risk. ``moved_assets``: the debtor side of an
#: asset-moving lead (the explorer sets it on the entities it draws; ``asset_hiding`` is the firm side).
HIGH_FLAGS = ("shell_flag", "repeat_flag", "asset_hiding", "moved_assets")
#: A shell score at or above this is medium risk (and its reasons are shown).
SHELL_MEDIUM = 0.3
#: A dishonesty spread at or above this is medium risk.
SPREAD_MEDIUM = 0.1


def _number(value: Any) -> float:
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return 0.0


def risk_level(props: Mapping[str, Any]) -> Level:
    """``high`` / ``medium`` / ``low`` from the stored scores: flags first (:data:`HIGH_FLAGS`),
    then the shell score (:data:`SHELL_MEDIUM`) and the spread (:data:`SPREAD_MEDIUM`)."""
    if any(props.get(f) for f in HIGH_FLAGS):
        return "high"
    if _number(props.get("shell_score")) >= SHELL_MEDIUM or _number(props.get("spread")) >= SPREAD_MEDIUM:
        return "medium"
    return "low"


def shows_shell_reasons(props: Mapping[str, Any]) -> bool:
    """Whether a firm's shell reasons are worth showing: flagged, or scored at or above :data:`SHELL_MEDIUM`."""
    return bool(props.get("shell_flag")) or _number(props.get("shell_score")) >= SHELL_MEDIUM
