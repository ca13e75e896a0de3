"""Checks on the repository itself that no other test would notice."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_catch2_test_names_survive_ctest() -> None:
    """catch_discover_tests hands each name to ctest, which splits it at ';' into two arguments:
    Catch2 v2 then matches no case, runs nothing and reports success."""
    names = [m.group(1) for f in sorted((ROOT / "tests" / "cpp").glob("*.cpp"))
             for m in re.finditer(r'TEST_CASE\("((?:[^"\\]|\\.)*)"', f.read_text(encoding="utf-8"))]
    assert len(names) >= 50
    assert [n for n in names if ";" in n] == []
    assert len(set(names)) == len(names), "two test cases share a name"


def test_every_python_block_of_the_readme_runs(tmp_path, monkeypatch) -> None:
    """Every ```python block of README.md, executed as written, in order, in a scratch folder."""
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) >= 3
    monkeypatch.chdir(tmp_path)
    for i, block in enumerate(blocks):
        exec(compile(block, f"README.md python block {i + 1}", "exec"), {})
