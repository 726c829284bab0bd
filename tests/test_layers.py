"""The package's layers import only the layers before them.

Data flows one way: data → stats → analysis → report → cli (the layout in each layer's
``__init__``). The statistics core is pure: it reads numbers, not trial objects, so it
does not import the data layer, nor the data layer it. Every module's imports are read
with ``ast`` (at module level, inside functions and under ``TYPE_CHECKING`` alike).
``reanalysis.errors``, ``reanalysis.units`` (the unit table) and the package root are
shared by every layer.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "reanalysis"
# The layers each layer may import (besides the shared modules).
ALLOWED = {
    "data": {"data"},
    "stats": {"stats"},
    "analysis": {"data", "stats", "analysis"},
    "report": {"data", "stats", "analysis", "report"},
    "cli": {"data", "stats", "analysis", "report", "cli"},
    "__main__": {"cli"},
}
MODULES = sorted(PACKAGE.rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(source: str, package: str) -> set[str]:
    """Every module an import statement in ``source`` names; relative imports are resolved
    against ``package`` (the package the module lives in)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, module] if module else base)
            found.add(module)
            # ``from reanalysis.stats import effects`` names the module in its alias.
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def layer(module: str) -> str | None:
    """The layer of a ``reanalysis`` module; None for shared modules and other packages."""
    parts = module.split(".")
    if parts[0] != "reanalysis" or len(parts) < 2:
        return None
    return parts[1] if parts[1] in ALLOWED else None


def upward_imports(source: str, module: str, package: str) -> list[str]:
    """Imports in ``module`` of a layer it may not import, as ``module -> imported``."""
    own = layer(module)
    if own is None:
        return []
    return sorted(
        f"{module} -> {imported}"
        for imported in imported_modules(source, package)
        if (other := layer(imported)) is not None and other not in ALLOWED[own]
    )


def upward_imports_of(path: Path) -> list[str]:
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    return upward_imports(path.read_text(encoding="utf-8"), name, package)


def test_every_layer_is_scanned() -> None:
    # Guards the test below against passing because it found nothing to check.
    assert {layer(module_name(p)) for p in MODULES} >= {"data", "stats", "analysis", "report"}
    assert {"reanalysis.stats.effects", "reanalysis.cli"} <= {module_name(p) for p in MODULES}


def test_every_form_of_import_statement_is_caught() -> None:
    # A stats module importing other layers in five ways, and itself (allowed).
    source = (
        "import reanalysis.report.writer\n"
        "from reanalysis.analysis import claims\n"
        "from ..cli import main\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from .. import analysis\n"
        "def f():\n"
        "    from reanalysis.data.trials import Trial\n"
        "    from reanalysis.stats.effects import PrePost\n"
    )
    module = "reanalysis.stats.probe"
    assert upward_imports(source, module, "reanalysis.stats") == [
        f"{module} -> reanalysis.analysis",
        f"{module} -> reanalysis.analysis.claims",
        f"{module} -> reanalysis.cli",
        f"{module} -> reanalysis.cli.main",
        f"{module} -> reanalysis.data.trials",
        f"{module} -> reanalysis.data.trials.Trial",
        f"{module} -> reanalysis.report.writer",
    ]


def test_the_data_layer_may_not_import_the_statistics_core() -> None:
    source = "from reanalysis.stats.effects import PrePost\n"
    assert upward_imports(source, "reanalysis.data.trials", "reanalysis.data") == [
        "reanalysis.data.trials -> reanalysis.stats.effects",
        "reanalysis.data.trials -> reanalysis.stats.effects.PrePost",
    ]
    shared = "from reanalysis.units import convert\n"
    assert upward_imports(shared, "reanalysis.data.trials", "reanalysis.data") == []
    assert upward_imports(source, "reanalysis.analysis.claims", "reanalysis.analysis") == []


def test_shared_modules_are_free_and_the_report_may_not_call_the_cli() -> None:
    source = "from reanalysis.cli import main\nimport reanalysis.errors\n"
    assert upward_imports(source, "reanalysis.errors", "reanalysis") == []
    assert upward_imports(source, "reanalysis.__main__", "reanalysis") == []
    assert upward_imports(source, "reanalysis.report.writer", "reanalysis.report") == [
        "reanalysis.report.writer -> reanalysis.cli",
        "reanalysis.report.writer -> reanalysis.cli.main",
    ]


@pytest.mark.parametrize("path", MODULES, ids=module_name)
def test_no_module_imports_a_layer_it_may_not(path: Path) -> None:
    assert upward_imports_of(path) == []
