"""Command line ``python -m parcours.estimation`` / ``parcours-estimate`` (run as a subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from parcours.estimation.cli import main

from ._refdata import MSE_DIR, REPO, needs_data


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("PARCOURS_DEBUG", None)
    return subprocess.run(  # noqa: S603 - fixed command line
        [sys.executable, "-m", "parcours.estimation", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        input=stdin,
        timeout=60,
        check=False,
    )


@needs_data
def test_text_output() -> None:
    # The CLI's speed target (under 3 s with start-up) is measured by bench/bench_estimation.py, not here.
    p = run(str(MSE_DIR / "uk_2013_5lists.csv"))
    assert p.returncode == 0, p.stderr
    assert "Estimation du total : 11 313 personnes" in p.stdout
    assert "Intervalle de confiance à 95 % : 9 884 – 13 027" in p.stdout
    assert "Modèle retenu : effets principaux + LA:NG, NG:GP, PFNCA:GP, LA:PFNCA, GO:GP, NG:GO" in p.stdout
    assert "Verdict" in p.stdout
    assert p.stderr == ""


@needs_data
def test_json_output() -> None:
    p = run(str(MSE_DIR / "netherlands_5lists.csv"), "--json")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert d["estimate"] == pytest.approx(121521.613712277, rel=1e-6)
    assert d["ci_low"] == pytest.approx(98675, rel=1e-4)
    assert d["ci_high"] == pytest.approx(150139, rel=1e-4)
    assert d["model"] == ["IO:Z", "P:Z", "P:R", "IO:P", "IO:K", "K:R"]
    assert "SparseMSE" in d["method"]
    assert d["empty_overlap_terms"] == ["K:R"]
    assert isinstance(d["warnings"], list)


@needs_data
def test_details_bootstrap_and_check_all() -> None:
    p = run(
        str(MSE_DIR / "artificial_3lists.csv"),
        "--details",
        "--bootstrap",
        "20",
        "--graine",
        "3",
        "--verifier-modeles",
    )
    assert p.returncode == 0, p.stderr
    assert "bootstrap BCa (20 réplications, graine 3)" in p.stdout
    assert "Modèles sans estimation finie (3) : A:B; A:B+A:C; A:B+B:C" in p.stdout
    assert "non estimable" in p.stdout


def test_stdin_two_lists() -> None:
    p = run("-", "--json", stdin="A;B;count\n1;0;80\n0;1;60\n1;1;20\n")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert d["estimate"] == pytest.approx(400)
    assert d["two_lists"]["chapman"]["estimate"] == pytest.approx(101 * 81 / 21 - 1)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("A,B,count\n1,0,5\n0,1,-1\n1,1,2\n", "négatif"),
        ("A,B,C,count\n1,0,0,5\n0,1,0,3\n0,0,1,4\n", "plus d'une liste"),
        ("A,B,nombre\n1,0,5\n", "« count » absente"),
    ],
)
def test_bad_input_exit_code_2(tmp_path: Path, content: str, fragment: str) -> None:
    f = tmp_path / "bad.csv"
    f.write_text(content, encoding="utf-8")
    p = run(str(f))
    assert p.returncode == 2
    assert p.stderr.startswith("Erreur : ")
    assert fragment in p.stderr
    assert "Traceback" not in p.stderr
    assert p.stdout == ""


def test_missing_file_and_bad_arguments(tmp_path: Path) -> None:
    p = run(str(tmp_path / "absent.csv"))
    assert p.returncode == 2 and "introuvable" in p.stderr and "Traceback" not in p.stderr
    p = run()
    assert p.returncode == 2 and "argument obligatoire manquant" in p.stderr
    p = run("x.csv", "--bootstrap", "beaucoup")
    assert p.returncode == 2 and "nombre entier invalide" in p.stderr
    p = run("--help")
    assert p.returncode == 0 and "count" in p.stdout


def test_main_in_process(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "t.csv"
    f.write_text("A,B,C,count\n1,0,0,40\n0,1,0,30\n0,0,1,20\n1,1,0,6\n1,0,1,4\n0,1,1,3\n1,1,1,1\n")
    assert main([str(f)]) == 0
    out = capsys.readouterr().out
    assert "Estimation du total" in out
    assert main([str(f), "--json", "--confiance", "0.9"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["confidence"] == 0.9
    assert main([str(tmp_path / "nope.csv")]) == 2
    assert "Erreur" in capsys.readouterr().err


@needs_data
def test_window_average_and_linkage_panel_in_text_and_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = MSE_DIR / "uk_2013_5lists.csv"
    assert main([str(f), "--taux-non-rapprochement", "0,0.1"]) == 0
    out = capsys.readouterr().out
    assert "fenêtre d'Occam : 12 modèle(s)" in out
    assert "Moyenne sur les modèles de la fenêtre : 18 020" in out
    assert "  10 % : 9 129 (8 127 – 10 316)" in out
    assert main([str(f), "--json", "--taux-non-rapprochement", "aucun"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["linkage_sensitivity"] is None
    assert d["model_window"]["n_models"] == 12 and d["model_window"]["criterion"] == "BIC"
    assert d["model_average"]["estimate"] == pytest.approx(18020, rel=1e-3)
    assert main([str(f), "--taux-non-rapprochement", "0,0.9"]) == 2
    assert "non-rapprochement" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main([str(f), "--taux-non-rapprochement", "beaucoup"])
    assert exc.value.code == 2
    assert "taux invalides « beaucoup »" in capsys.readouterr().err
