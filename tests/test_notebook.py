"""The example notebook runs from top to bottom and shows the published numbers.

examples/reanalysis_walkthrough.ipynb is committed without outputs; here it is executed
in a fresh ``python3`` kernel (nbclient and ipykernel, pinned in the test extra and in
requirements.lock), so it cannot go stale. Its d_ppc2 for study 1 of Morris (2008) must
print as 0.7684 (Table 5: 0.77; eqs. 8-10 in R, tests/reference/api_examples.R).
"""

from __future__ import annotations

from pathlib import Path

import pytest

nbclient = pytest.importorskip(
    "nbclient",
    reason="nbclient is not installed: `pip install -e '.[test]'` (or `make test`) runs the "
    "example notebook",
)
nbformat = pytest.importorskip("nbformat")

NOTEBOOK = Path(__file__).resolve().parents[1] / "examples" / "reanalysis_walkthrough.ipynb"
# Kernel start and the notebook's imports take a few seconds; a hung kernel fails here.
TIMEOUT = 120


def _text(output: dict) -> str:
    if output.get("output_type") == "stream":
        return output.get("text", "")
    return str(output.get("data", {}).get("text/plain", ""))


def test_notebook_is_committed_clean() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.name == "python3"
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:40]


def test_notebook_runs_and_shows_the_published_numbers() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "\n".join(_text(o) for o in outputs)
    assert "estimate=0.7684" in text  # d_ppc2 of study 1 (Morris 2008, Table 5: 0.77)
    assert "0.7684" in text and "0.801" in text  # escalc PPC2, studies 1 and 2 (Table 5)
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the sensitivity plot
