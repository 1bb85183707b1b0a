"""The apps' dependency graph of docs/architecture.md, enforced: import-linter's contracts (pyproject.toml,
[tool.importlinter]) are kept, and they name every app, so that a new app cannot escape them. `make lint`
runs the same check; this test makes CI (`make test`) run it too."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def _layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["id"] == "layers"]
    return contract["layers"]


def test_the_contracts_are_kept(capsys):
    code = lint_imports(no_cache=True, no_logo=True)
    report = capsys.readouterr().out
    assert code == 0, report
    assert "0 broken" in report


def test_every_app_has_its_layer():
    apps = {p.name for p in (ROOT / "parcours").iterdir() if (p / "__init__.py").exists()}
    layered = {
        name.strip().removeprefix("parcours.") for layer in _layers() for name in re.split(r"[|:]", layer)
    }
    assert layered == apps


def test_the_documented_layers_are_the_enforced_ones():
    """docs/architecture.md shows the layers of the contract, top first, one line each."""
    doc = (ROOT / "docs" / "architecture.md").read_text()
    block = doc.split("<!-- layers -->", 1)[1].split("<!-- /layers -->", 1)[0]
    documented = [line.strip() for line in block.strip().strip("`").strip().splitlines() if line.strip()]
    enforced = [layer.replace("parcours.", "") for layer in _layers()]
    assert documented == enforced


@pytest.mark.parametrize(
    ("importer", "imported"),
    [("parcours.core.models", "parcours.people.models"), ("parcours.pathways.board", "parcours.deadlines")],
)
def test_an_upward_import_breaks_the_contract(importer, imported):
    """The contract says something: an import of a higher app from a lower one is a violation."""
    import grimp
    from importlinter.contracts.layers import LayersContract

    graph = grimp.build_graph("parcours")
    graph.add_import(importer=importer, imported=imported)
    contract = LayersContract(
        name="layers",
        session_options={"root_packages": ["parcours"]},
        contract_options={"layers": _layers(), "containers": []},
    )
    assert not contract.check(graph, verbose=False).kept
