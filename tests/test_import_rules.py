"""The import rules of docs/ARCHITECTURE.md: packages import only downward, acquisition stores nothing, and the
in-memory database double is loaded only for a `mongomock://` URI."""

from __future__ import annotations

import ast
import functools
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "scoutly"

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
