"""The briefing as a reader sees it: rendered by headless Chromium (Debian's `chromium`, installed by
`make test`), the screenshot not blank, the headline numbers and the sources in the rendered text."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tradetarget.cli import main

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _render(page: Path, tmp_path: Path) -> tuple[np.ndarray, str]:
    """(screenshot pixels, the rendered page's text) from headless Chromium."""
    assert CHROMIUM, "headless Chromium is needed (make test installs Debian's chromium)"
    flags = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,2400"]
    shot = tmp_path / "shot.png"
    subprocess.run([*flags, f"--screenshot={shot}", page.as_uri()], check=True, capture_output=True, timeout=120)
    dom = subprocess.run([*flags, "--dump-dom", page.as_uri()], check=True, capture_output=True, text=True,
                         timeout=120).stdout
    import matplotlib.image

    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", dom, flags=re.S)))
    return matplotlib.image.imread(shot), text


def _not_blank(pixels: np.ndarray) -> None:
    grey = pixels[..., :3].mean(axis=2)
    assert pixels.shape[0] >= 2000 and pixels.shape[1] >= 1100
    assert (grey < 0.5).mean() > 0.01, "the screenshot is (almost) blank"  # text and charts are dark
    assert grey.std() > 0.05


def test_the_briefing_renders_with_the_answer_and_its_sources(tmp_path: Path, capsys) -> None:
    page = tmp_path / "briefing.html"
    assert main(["report", "-o", str(page), "--paths", "2000", "--json"]) == 0
    answer = {t["target"]: t["prob_by"]["2030"] for t in __import__("json").loads(capsys.readouterr().out)["targets"]}
    pixels, text = _render(page, tmp_path)
    _not_blank(pixels)
    assert "Kazakhstan–Türkiye trade total: when does it reach $10B, $15B?" in text
    for target, p in answer.items():  # the headline numbers, as the page states them
        assert f"the chance of ${target / 1e9:g}B by 2030 is {p:.0%}" in text
    assert "trade_2024_trend" in text and "000_9d827eaaeb0eddd4.txt" in text  # a source, with its file
    assert "model Brier skill 80% bands cover" in text  # the record table, as one table


def test_a_briefing_of_the_users_own_file(tmp_path: Path, capsys) -> None:
    data = tmp_path / "exports.csv"
    pd.DataFrame({"year": range(2015, 2025),
                  "value": [2.1, 2.3, 2.2, 2.6, 2.5, 2.9, 3.4, 3.1, 3.6, 3.9]}).to_csv(data, index=False)
    page = tmp_path / "mine.html"
    assert main(["report", "--data", str(data), "--target", "5", "--target", "8", "-o", str(page), "--paths", "2000",
                 "--title", "Kazakhstan exports to China (US$ billion)"]) == 0
    pixels, text = _render(page, tmp_path)
    _not_blank(pixels)
    assert "Kazakhstan exports to China (US$ billion): when does it reach $5, $8?" in text
    assert "the chance of" in text and "by 2030" in text
    capsys.readouterr()


def test_the_briefing_as_a_pdf(tmp_path: Path, capsys, monkeypatch) -> None:
    """-o FILE.pdf prints the briefing with headless Chromium; without one, a clear error."""
    pdf = tmp_path / "briefing.pdf"
    assert main(["report", "-o", str(pdf), "--paths", "500"]) == 0
    head = pdf.read_bytes()[:5]
    assert head == b"%PDF-" and pdf.stat().st_size > 50_000  # the charts are in it
    assert f"briefing saved to {pdf}" in capsys.readouterr().out
    monkeypatch.setenv("PATH", str(tmp_path))  # no browser on the PATH
    assert main(["report", "-o", str(tmp_path / "again.pdf"), "--paths", "500"]) == 2
    assert "again.pdf: a PDF is printed by Chromium (chromium or chromium-browser or google-chrome), and none is " \
           "installed; write the briefing as .html" in capsys.readouterr().err
