"""axe-core in the browser tests: every page a browser test screenshots, and every main page of every role
(tests/browser/test_accessibility.py), is checked by axe-core 4.12 (bundled by axe-playwright-python: no
download). A violation of impact « serious » or « critical » fails the test; every violation, whatever its
impact, is written to test-artefacts/axe/<test>.json for review.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artefacts" / "axe"
FAILING_IMPACTS = frozenset({"serious", "critical"})
# WCAG 2.1 A and AA, which the RGAA 4 follows, and axe's best practices (landmarks, one h1, regions).
RULE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

_axe = Axe()


def _test_name() -> str:
    current = os.environ.get("PYTEST_CURRENT_TEST", "unknown").split(" ")[0]
    return re.sub(r"[^\w.-]+", "_", current.split("::")[-1])[:120]


def violations(page) -> list[dict]:
    results = _axe.run(
        page, options={"resultTypes": ["violations"], "runOnly": {"type": "tag", "values": RULE_TAGS}}
    )
    return results.response["violations"]


def record(page, found: list[dict]) -> None:
    if not found:
        return
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / f"{_test_name()}.json"
    previous = json.loads(path.read_text()) if path.exists() else []
    previous.append(
        {
            "url": page.url,
            "violations": [
                {
                    "id": v["id"],
                    "impact": v["impact"],
                    "help": v["help"],
                    "targets": [n["target"] for n in v["nodes"]],
                }
                for v in found
            ],
        }
    )
    path.write_text(json.dumps(previous, ensure_ascii=False, indent=1))


def failing(found: list[dict]) -> list[str]:
    return [
        f"{v['impact']} {v['id']}: {v['help']} ({', '.join(str(n['target']) for n in v['nodes'][:3])})"
        for v in found
        if v["impact"] in FAILING_IMPACTS
    ]


def assert_accessible(page) -> None:
    """Run axe-core on the page as it is now; fail on a serious or critical violation."""
    found = violations(page)
    record(page, found)
    problems = failing(found)
    assert not problems, f"axe-core sur {page.url} :\n" + "\n".join(problems)


def shoot(page, path: Path, *, javascript: bool = True) -> Path:
    """Full-page screenshot, then axe-core on the same page: every page a browser test shows is checked.
    axe-core runs in the page: a page opened with JavaScript disabled (`javascript=False`) is only
    photographed (Chromium would never answer the evaluation); its JavaScript version is checked elsewhere.

    caret="initial": Playwright's default (hide) writes style="caret-color: ..." on every input; the
    full-page resize makes the DSFR header copy its tools links (with that attribute) by innerHTML, which the
    CSP then reports as an inline style: a violation of the test's own making."""
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True, caret="initial")
    if javascript:
        assert_accessible(page)
    return path
