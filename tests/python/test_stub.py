"""The type stub of the C++ module (python/tradetarget/_core.pyi, written by `make stub`) says what the
module binds: mypy's stubtest compares the two, so a binding added, renamed or removed without
remaking the stub fails here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path



def test_the_type_stub_matches_the_compiled_module(tmp_path: Path) -> None:
    import mypy.stubtest  # noqa: F401 - not importorskip: `make test` installs mypy; missing, this must fail
    result = subprocess.run([sys.executable, "-m", "mypy.stubtest", "tradetarget._core", "--concise"],
                            capture_output=True, text=True, cwd=tmp_path)
    # Every pybind11 class has pybind11's metaclass, which a stub does not spell: the one expected note.
    problems = [line for line in result.stdout.splitlines()
                if line.strip() and not line.endswith("is inconsistent, metaclass differs")]
    assert problems == [], "\n".join(problems[:40]) + "\n(remake the stub: make stub)"
    assert "SeriesForecast" in result.stdout  # stubtest saw the classes
