"""Checks of the arguments every entry point shares: whole numbers stay whole, one value or many."""

from __future__ import annotations

import numbers
from pathlib import Path
from typing import Any, Optional, Union


def whole(name: str, value: Any, minimum: Optional[int] = None, maximum: Optional[int] = None, unit: str = "") -> int:
    """``value`` as an int, or ValueError/TypeError naming ``name``: 2030.9 is not a year, True is not
    a horizon, and a seed outside 0..2**64-1 is not a seed."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a whole number; got {type(value).__name__} {value!r}")
    if isinstance(value, numbers.Integral):
        out = int(value)
    elif float(value).is_integer():
        out = int(value)
    else:
        raise ValueError(f"{name} must be a whole number; got {value!r}")
    if minimum is not None and out < minimum or maximum is not None and out > maximum:
        bounds = f"at least {minimum}" if maximum is None else f"{minimum} to {maximum}" if minimum is not None \
            else f"at most {maximum}"
        raise ValueError(f"{name} is {out}{' ' + unit if unit else ''}; it must be {bounds}")
    return out


def shown(value: Any) -> str:
    """A cell as a user wrote it: quoted text, plain numbers (not numpy reprs)."""
    return repr(value) if isinstance(value, str) else str(value)


def one_or_many(value: Any) -> list:
    """A single value (a name, a number, '10B') as a one-element list; a sequence as a list."""
    if isinstance(value, (str, bytes, numbers.Number)):
        return [value]
    return list(value)


def check_path_memory(what: str, path_years: float) -> None:
    """The whole request's sample paths (every model or series at once) within the core's limit of
    MAX_PATH_VALUES doubles, checked before anything is allocated."""
    from . import _core

    if path_years > _core.MAX_PATH_VALUES:
        raise ValueError(f"{what} would hold {path_years:.3g} path-years ({path_years * 8 / 1e9:.3g} GB) at once; "
                         f"ask for at most {_core.MAX_PATH_VALUES:.3g} (fewer paths, models, series or years)")


SEED_MAX = 2**64 - 1  # seeds are unsigned 64-bit in the core
INT_MAX = 2**31 - 1  # counts are C++ ints


def existing_file(file: Union[str, Path]) -> Path:
    """``file`` as a Path, or ValueError saying why it cannot be read as a file: missing, or a folder
    or a device (``/dev/null`` is not an empty file of data)."""
    path = Path(file)
    if not path.exists():
        raise ValueError(f"no such file: {file}")
    if not path.is_file():
        raise ValueError(f"{file}: not a regular file ({'a folder' if path.is_dir() else 'a device or a pipe'})")
    return path
