"""The bundled data: every figure with its provenance (see data/README.md for the schema)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd

__all__ = ["kazakhstan_turkiye", "kazakhstan_turkiye_targets", "path"]


def path(name: str) -> Path:
    """Path of a bundled data file, e.g. ``path("kazakhstan_turkiye.csv")``."""
    file = resources.files("tradetarget") / "data" / name
    if not file.is_file():
        raise FileNotFoundError(f"no bundled data file named {name!r}")
    return Path(str(file))


def kazakhstan_turkiye() -> pd.DataFrame:
    """Kazakhstan–Türkiye observations (trade, investment, tourism, students) as stated in the
    news articles of ``shared/seeds``: one row per statement, nothing averaged or dropped."""
    return pd.read_csv(path("kazakhstan_turkiye.csv"), dtype=str, keep_default_na=False)


def kazakhstan_turkiye_targets() -> pd.DataFrame:
    """The stated trade targets ($10B, $15B), one row per statement, with provenance."""
    frame = pd.read_csv(path("kazakhstan_turkiye_targets.csv"), dtype=str, keep_default_na=False)
    frame["value"] = frame["value"].astype(float)
    return frame
