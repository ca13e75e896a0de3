"""Money as economists write it: '$10B' in, $10B out (the one place amounts are parsed and formatted)."""

from __future__ import annotations

import numbers
import re
from typing import Optional, Union

__all__ = ["format_money", "parse_money", "to_amount", "units_note", "without_digit_grouping"]

#: A number with thousands separators as the articles write them ("5,300,000,000", "1,234.5").
DIGIT_GROUPING = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?(?:[eE][+-]?\d+)?$")

# 10B, $15b, 500M, 1.5e10, and as economists write them: 10bn, 10 billion, 500mn, 2 trillion
_MONEY = re.compile(r"^\$?\s*(-?[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*"
                    r"(k|thousand|m|mn|mln|million|b|bn|billion|t|tn|trillion|)$", re.IGNORECASE)
_SCALE = {"": 1.0, "k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "mln": 1e6, "million": 1e6,
          "b": 1e9, "bn": 1e9, "billion": 1e9, "t": 1e12, "tn": 1e12, "trillion": 1e12}


def without_digit_grouping(text: str) -> str:
    """'5,300,000,000' -> '5300000000'. A comma anywhere else (a decimal comma, '3,4') is left in
    place, so the number does not parse and the caller reports it: never read '3,4' as 34."""
    return text.replace(",", "") if DIGIT_GROUPING.match(text) else text


def format_money(value: float) -> str:
    """$10B, $5.4B, $680M: how economists write trade values."""
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(value) >= scale:
            return f"${value / scale:.3g}{suffix}"
    return f"${value:.3g}"


def parse_money(text: str, what: str = "a target") -> float:
    """'10B', '$15b', '500M', '1.5e10' -> US$ (float); ValueError naming the text otherwise."""
    match = _MONEY.match(without_digit_grouping(str(text).strip().lstrip("$").strip()))
    if not match:
        raise ValueError(f"{text!r} is not an amount; write e.g. 10B, 10bn, 500M or 1.5e10")
    value = float(match.group(1)) * _SCALE[match.group(2).lower()]
    if not (value > 0 and value < float("inf")):  # 1e400 is read as inf
        raise ValueError(f"{what} must be finite and positive; got {text!r}")
    return value


def to_amount(value: Union[str, float, int], what: str = "a target") -> float:
    """An amount (a target, a capacity) given as a number or as text ('10B'): positive and finite,
    or ValueError/TypeError saying which."""
    if isinstance(value, str):
        return parse_money(value, what)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{what} is a number or an amount such as '10B'; got {type(value).__name__}")
    amount = float(value)
    if not (amount > 0 and amount < float("inf")):
        raise ValueError(f"{what} must be finite and positive; got {value!r}")
    return amount


#: A target this many times the last value (or its inverse) is more likely a units mismatch (data in
#: billions, target in dollars) than a goal: no bilateral target asks for 100-fold growth.
UNITS_RATIO = 100.0


def units_note(target: float, last_values, last_year: Optional[int] = None) -> Optional[str]:
    """A warning when ``target`` is over UNITS_RATIO times, or under 1/UNITS_RATIO of, every last
    value given (one series, observed in ``last_year``, or a panel's); None when some series is in
    its range."""
    values = [float(v) for v in last_values if v is not None and float(v) > 0]
    if not values or any(1 / UNITS_RATIO <= target / v <= UNITS_RATIO for v in values):
        return None
    if len(values) == 1:
        said = (f"the target {format_money(target)} is {target / values[0]:.3g} times the last value "
                f"({format_money(values[0])}{'' if last_year is None else f' in {last_year}'})")
    else:
        said = (f"the target {format_money(target)} is outside 1/{UNITS_RATIO:g} to {UNITS_RATIO:g} times every series' "
                f"last value ({format_money(min(values))} to {format_money(max(values))})")
    return said + ": are the data and the target in the same units?"

