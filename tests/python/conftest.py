from __future__ import annotations

import pandas as pd
import pytest

import tradetarget as tt


@pytest.fixture(scope="session")
def kz_series() -> pd.Series:
    """A Kazakhstan–Türkiye-like annual series (US$), 2023 missing as in the sources."""
    return pd.Series([3.354e9, 5.3e9, 4.0e9, 5.4e9], index=[2020, 2021, 2022, 2024])


@pytest.fixture(scope="session")
def bundled_analysis() -> tt.Analysis:
    """The main job as `tradetarget` runs it: the calibrated answer alone."""
    return tt.analyze(n_paths=20000)


@pytest.fixture(scope="session")
def compared_analysis() -> tt.Analysis:
    """The main job with the raw models beside the answer (`tradetarget --model compare`)."""
    return tt.analyze(models=tt.COMPARISON_MODELS, n_paths=20000)
