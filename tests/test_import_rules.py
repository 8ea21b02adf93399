"""The import rules of docs/ARCHITECTURE.md: packages import only downward, acquisition stores nothing, the
in-memory database double is loaded only for a `mongomock://` URI, the test doubles of `scoutly.testing` stay out
of production code, and `bench/` imports nothing from `tests/`."""

from __future__ import annotations

import ast
import functools
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "scoutly"

# Lowest first. A module may import its own package and any lower layer, never a higher or a sibling one.
LAYERS: dict[str, int] = {
    "errors": 0,
    "redact": 0,
    "clock": 0,
    "jsonsafe": 0,
    "config": 1,
    "credentials": 1,
    "log_setup": 1,
    "storage": 2,
    "scheduling": 2,
    "acquire": 2,
    "companies": 3,
    "seeding": 6,
    "queue": 4,
    "postings": 4,
    "analysis": 5,
    "notify": 5,
    "processor": 6,
    "ops": 7,
    "trial": 8,
    "cli": 9,
    "__main__": 10,
    "__init__": 10,
    # Test and benchmark doubles: above everything, so no production part may import them (see also
    # test_no_production_module_imports_the_test_doubles, which says so by name).
    "testing": 11,
}


@functools.cache
def _imports() -> tuple[tuple[str, str, str], ...]:
    """(file, importing part, imported part) for every `scoutly.*` import, including those inside functions."""
    return tuple(_scan())


def _scan() -> Iterator[tuple[str, str, str]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        part = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                pieces = name.split(".")
                if pieces[0] == "scoutly" and len(pieces) > 1:
                    yield str(path.relative_to(PACKAGE.parent)), part, pieces[1]


def test_every_part_of_the_package_has_a_layer() -> None:
    modules = {path.stem for path in PACKAGE.glob("*.py")}
    packages = {path.parent.name for path in PACKAGE.glob("*/__init__.py")}
    parts = modules | packages
    assert parts <= set(LAYERS), f"add {sorted(parts - set(LAYERS))} to LAYERS (and to docs/ARCHITECTURE.md)"


def test_nothing_imports_upward_or_sideways() -> None:
    wrong = [
        f"{path}: {part} (layer {LAYERS[part]}) imports {target} (layer {LAYERS[target]})"
        for path, part, target in _imports()
        if target != part and LAYERS[target] >= LAYERS[part]
    ]
    assert not wrong, "\n".join(wrong)


def test_acquisition_imports_no_storage() -> None:
    stored = {"storage", "postings", "queue", "companies", "analysis", "processor"}
    wrong = [
        f"{path} imports scoutly.{target}"
        for path, part, target in _imports()
        if part == "acquire" and target in stored
    ]
    assert not wrong, "\n".join(wrong)


def test_the_in_memory_double_is_loaded_only_for_mongomock_uris() -> None:
    code = (
        "import sys\n"
        "import scoutly.storage, scoutly.postings.observe, scoutly.cli.scrape, scoutly.processor\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(('mongomock', 'scoutly.storage.memory')))\n"
        "print(','.join(loaded))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "", done.stdout


def _imported_names(path: Path, module: str) -> set[str]:
    return {
        alias.name
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and node.module == module
        for alias in node.names
    }


def test_cli_holds_no_queries() -> None:
    wrong = []
    for path in sorted((PACKAGE / "cli").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if _imported_names(path, "scoutly.storage.indexes") or ".db[" in text or "db[" in text:
            wrong.append(str(path.relative_to(PACKAGE.parent)))
    assert not wrong, f"collection access in the CLI (use a repository function): {wrong}"


def test_operations_read_the_queue_only_through_queue_functions() -> None:
    wrong = [
        str(path.relative_to(PACKAGE.parent))
        for path in sorted((PACKAGE / "ops").rglob("*.py"))
        if "QUEUE" in _imported_names(path, "scoutly.storage.indexes")
    ]
    assert not wrong, f"raw queue access outside scoutly/queue.py: {wrong}"


def _imported_modules(path: Path) -> Iterator[str]:
    """Every absolute module name `path` imports, including inside functions (`from x import y` gives x)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def test_no_production_module_imports_the_test_doubles() -> None:
    # scoutly/trial serves its own sample sites (scoutly/trial/server.py) and needs none of the doubles, so no
    # exception is made for it either.
    wrong = [
        f"{path} imports scoutly.testing"
        for path, part, target in _imports()
        if target == "testing" and part != "testing"
    ]
    assert not wrong, "\n".join(wrong)


BENCH = REPO / "bench"


def _bench_scripts() -> list[Path]:
    """The benchmark scripts: `*.py` and the extensionless Python ones (`run_all`)."""
    return sorted(
        path
        for path in BENCH.iterdir()
        if path.is_file()
        and (path.suffix == ".py" or (not path.suffix and path.read_text(encoding="utf-8").startswith("#!")))
    )


def test_bench_imports_nothing_from_tests() -> None:
    """Shared doubles live in `scoutly.testing`; `tests/` is the test suite's own. Caught both ways in: a
    `tests.x` import, and a `tests/` directory put on sys.path (then imported as `helpers.x`, `fake_gemini`, ...)."""
    scripts = _bench_scripts()
    assert any(path.name == "run_all" for path in scripts) and len(scripts) > 5, scripts
    test_modules = {path.stem for path in (REPO / "tests").glob("*.py")} | {
        path.name for path in (REPO / "tests").iterdir() if (path / "__init__.py").exists()
    }
    wrong = []
    for path in scripts:
        text = path.read_text(encoding="utf-8")
        if '"tests"' in text or "'tests'" in text or "/tests" in text:
            wrong.append(f"{path.relative_to(REPO)} puts tests/ on a path")
        for module in _imported_modules(path):
            top = module.split(".")[0]
            if top == "tests" or top in test_modules:
                wrong.append(f"{path.relative_to(REPO)} imports {module}")
    assert not wrong, "\n".join(wrong)
