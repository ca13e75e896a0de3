"""Checks on the repository itself that no other test would notice."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

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
    assert len(blocks) >= 1
    monkeypatch.chdir(tmp_path)
    for i, block in enumerate(blocks):
        exec(compile(block, f"README.md python block {i + 1}", "exec"), {})


#: Pages whose python blocks another test executes, with assertions on what they print: run once.
EXECUTED_ELSEWHERE = {"docs/guide/reference-classes.md": ("tests/python/test_reference_class.py",
                                                          "test_the_readme_reference_class_example_runs")}
DOC_PAGES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "docs").rglob("*.md")
                   if "```python" in p.read_text(encoding="utf-8"))


def test_docs_have_python_examples() -> None:
    assert len(list((ROOT / "docs").rglob("*.md"))) >= 10 and len(DOC_PAGES) >= 3
    for page, (test_file, test) in EXECUTED_ELSEWHERE.items():
        assert page in DOC_PAGES and f"def {test}(" in (ROOT / test_file).read_text(encoding="utf-8")


# one test per page, so that the test processes share them
@pytest.mark.parametrize("page", [p for p in DOC_PAGES if p not in EXECUTED_ELSEWHERE])
def test_every_python_block_of_the_docs_runs(page: str, tmp_path, monkeypatch) -> None:
    """The same for every page of docs/ (the site's pages, the user guide included)."""
    monkeypatch.chdir(tmp_path)
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / page).read_text(encoding="utf-8"), flags=re.S)
    for i, block in enumerate(blocks):
        exec(compile(block, f"{page} python block {i + 1}", "exec"), {})


def _package_imports() -> dict[str, set[str]]:
    """module -> the package's modules it imports, anywhere in its body (imports inside functions
    count: they hide a cycle, they do not remove it), except under ``if TYPE_CHECKING:``."""
    import ast

    package = ROOT / "python" / "tradetarget"
    graph: dict[str, set[str]] = {}
    for file in sorted(package.glob("*.py")):
        name = file.stem
        tree = ast.parse(file.read_text(encoding="utf-8"))
        skipped = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                   and getattr(node.test, "id", None) == "TYPE_CHECKING" for n in ast.walk(node)}
        found = set()
        for node in ast.walk(tree):
            if id(node) in skipped or not isinstance(node, ast.ImportFrom) or node.level != 1:
                continue
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
        graph[name] = {m for m in found if (package / f"{m}.py").exists() and m != name}
    return graph


def test_the_package_has_no_import_cycle() -> None:
    graph = _package_imports()
    assert len(graph) > 10
    done: set[str] = set()

    def visit(module: str, stack: list[str]) -> None:
        if module in stack:
            raise AssertionError("import cycle: " + " -> ".join(stack[stack.index(module):] + [module]))
        if module in done:
            return
        for imported in sorted(graph.get(module, ())):
            visit(imported, stack + [module])
        done.add(module)

    for module in sorted(graph):
        if module != "__init__":
            visit(module, [])


def test_the_docs_show_what_make_run_prints(capsys) -> None:
    """The getting-started page's `make run` block is the main job's output, line for line (seeded
    paths): a changed figure must change the page with it."""
    from tradetarget.cli import main

    page = ROOT / "docs" / "getting-started.md"
    block = re.search(r"`make run` prints.*?\n```\n(.*?)```", page.read_text(encoding="utf-8"), flags=re.S)
    assert block, "docs/getting-started.md has no `make run` block"
    assert main([]) == 0
    assert capsys.readouterr().out.splitlines() == block.group(1).splitlines()


def test_every_docstring_example_of_the_public_api_runs(tmp_path, monkeypatch) -> None:
    """The ``Examples`` of every public function and class (``tt.__all__`` and their methods), as
    the API reference shows them, executed in a scratch folder by doctest: an output an example
    shows must be the one it prints."""
    import doctest
    import inspect

    import tradetarget as tt

    monkeypatch.chdir(tmp_path)
    objects = [getattr(tt, name) for name in tt.__all__]
    # getattr, not vars(): a classmethod is callable (and has its docstring) only once bound
    objects += [getattr(obj, name) for obj in objects if inspect.isclass(obj) for name in vars(obj) if not name.startswith("__")]
    parser, runner, ran = doctest.DocTestParser(), doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE), 0
    for obj in objects:
        doc = inspect.getdoc(obj) if callable(obj) or inspect.isclass(obj) else None
        if doc and ">>> " in doc:
            name = f"docstring of {getattr(obj, '__qualname__', obj)}"
            runner.run(parser.get_doctest(doc, {}, name, None, 0), clear_globs=True)
            ran += 1
    failed, attempted = runner.summarize(verbose=False)
    assert failed == 0, f"{failed} of {attempted} docstring examples failed (their output is above)"
    # fit, analyze, forecast_panel, reconcile, measure, evaluate, Forecast.time_to_target, ReferenceClass.from_panel
    assert ran >= 8
