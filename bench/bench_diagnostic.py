"""Benchmark of the diagnostic territorial's linkage, estimate and published report.

Usage::

    .venv/bin/python bench/bench_diagnostic.py [--lists 6] [--size 400] [--repeat 5] [--seed 1234] [--pdf]

Builds, in an in-memory SQLite database migrated with the test settings, one open campaign whose
``--lists`` structures each sent a list of about ``--size`` synthetic keys (through the same service as the
key-list page). The lists come from one synthetic population with uneven visibility (some people are
known to many services, most to few) and two pairs of structures that refer people to each other, so that
the overlaps look like real ones. Then measures, best of ``--repeat``:

1. ``selectors.linkage_summary`` (read the keys, link, capture histories, overlaps, breakdowns);
2. ``selectors.estimate`` (multiple systems estimation, sensitivity range, verdict);
3. ``report.build_report`` from those (statistical secrecy, rounding, the chart), and end to end (it
   reads and estimates again, as the report page does);
4. with ``--pdf``: the report's PDF (WeasyPrint), once.

Target: a page view (linkage + estimate + report) under 2 s for 6 lists of 400 keys.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ["DATABASE_URL"] = "sqlite://:memory:"

PAGE_TARGET_S = 2.0


def synthetic_lists(n_lists: int, size: int, seed: int) -> list[list[str]]:
    """Lists of synthetic person labels, about `size` each, with heterogeneity and referral pairs."""
    rng = random.Random(seed)
    population = int(size * n_lists * 0.75)
    visibility = [rng.choice((0.35, 0.7, 1.0, 1.6, 2.6)) for _ in range(population)]
    mean = sum(visibility) / population
    base = size / (population * mean)
    lists: list[list[str]] = [[] for _ in range(n_lists)]
    for person, v in enumerate(visibility):
        known = [rng.random() < min(0.95, base * v) for _ in range(n_lists)]
        # Structures 1 and 2, 3 and 4 refer people to each other: positive dependence.
        for a, b in ((0, 1), (2, 3)):
            if b < n_lists and known[a] and not known[b] and rng.random() < 0.25:
                known[b] = True
        for j, on in enumerate(known):
            if on:
                lists[j].append(f"personne-fictive-{seed}-{person}")
    return lists


KEYS_PER_ROW = 6  # an LK2 row with a full date and names of three symbols or more


def payload(labels: list[str], rng: random.Random) -> str:
    """A keys file v2: six keys a row, as the browser sends for a person with a full birth date."""
    lines = ["#LK2 lignes_ecartees=0", "cles,tranche_age,mineur,sexe,en_ligne"]
    for label in labels:
        band = rng.choices(("lt18", "18_24", "25_34", "35_plus"), weights=(4, 30, 40, 26))[0]
        sex = rng.choices(("2", "1"), weights=(85, 15))[0]
        keys = " ".join(hashlib.sha256(f"{label}:{k}".encode()).hexdigest() for k in range(KEYS_PER_ROW))
        lines.append(f"{keys},{band},{'oui' if band == 'lt18' else 'non'},{sex},{rng.choice(('oui', 'non'))}")
    return "\n".join(lines) + "\n"


def timed(fn, repeat: int):
    """(first run, best run, value): the first run includes lazy imports (scipy) and cold caches."""
    times, value = [], None
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return times[0], min(times), value


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lists", type=int, default=6, help="structures that sent a list (6)")
    ap.add_argument("--size", type=int, default=400, help="keys per list, about (400)")
    ap.add_argument("--repeat", type=int, default=5, help="runs of each measure, best kept (5)")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--pdf", action="store_true", help="also time the report's PDF (WeasyPrint)")
    args = ap.parse_args()

    t0 = time.perf_counter()
    import django

    django.setup()
    from django.core.management import call_command
    from django.template.loader import render_to_string
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    t_setup = time.perf_counter() - t0

    from parcours.core.models import Departement, User
    from parcours.diagnostic import selectors, services
    from parcours.diagnostic.models import Campaign, CampaignState, Participant
    from parcours.diagnostic.report import build_report
    from parcours.documents import pdf

    today = timezone.localdate()
    departement = Departement.objects.create(code="99", name="Département de démonstration")
    user = User.objects.create(username="banc-essai")
    campaign = Campaign.objects.create(
        departement=departement,
        code="DIAG-99-BANC",
        title="Diagnostic territorial (banc d'essai)",
        period_start=today.replace(month=1, day=1),
        period_end=today,
        deadline=today,
        state=CampaignState.OPEN,
        created_by=user,
    )
    rng = random.Random(args.seed)
    lists = synthetic_lists(args.lists, args.size, args.seed)
    start = time.perf_counter()
    for i, labels in enumerate(lists, start=1):
        participant = Participant.objects.create(campaign=campaign, name=f"Structure fictive {i}")
        services.store_key_list(participant, payload(labels, rng))
        services.submit_answers(participant, {"total": len(labels), "minors": len(labels) // 25})
    t_store = time.perf_counter() - start

    summary_t = timed(lambda: selectors.linkage_summary(campaign), args.repeat)
    summary = summary_t[2]
    estimate_t = timed(lambda: selectors.estimate(summary), args.repeat)
    outcome = estimate_t[2]
    report_t = timed(lambda: build_report(campaign, today, summary=summary, outcome=outcome), args.repeat)
    report = report_t[2]
    page_t = timed(lambda: build_report(campaign, today), args.repeat)
    html_t = timed(
        lambda: render_to_string("diagnostic/_report_body.html", {"report": report, "pdf": True}), args.repeat
    )
    body = html_t[2]

    print(f"diagnostic benchmark — Python {sys.version.split()[0]}, in-memory SQLite, seed {args.seed}")
    print(
        f"django setup + migrate: {t_setup:.2f} s; "
        f"storing {args.lists} lists through the service: {t_store:.2f} s"
    )
    sizes = ", ".join(str(info.rows) for info in summary.lists)
    print(
        f"lists: {sizes} keys ({summary.records} rows); {summary.distinct} distinct people, "
        f"{summary.on_several} on several lists, {len(summary.histories)} capture histories"
    )
    if outcome.ok:
        r = outcome.result
        print(
            f"estimate: {r.estimate:.0f} (95 % CI {r.ci_low:.0f}–{r.ci_high:.0f}), model range "
            f"{r.sensitivity.min_estimate:.0f}–{r.sensitivity.max_estimate:.0f} over "
            f"{r.sensitivity.n_models_valid} models, verdict « {r.verdict} », model {r.model_label}"
        )
    else:
        print(f"estimate: none ({outcome.error})")
    print(f"published: estimate {report.estimate.estimate or '—'}, threshold {report.threshold}\n")
    print(f"{'':32s}{'first run':>12s}{'best of ' + str(args.repeat):>12s}")
    for label, (first, fastest, _) in (
        ("linkage_summary", summary_t),
        ("estimate", estimate_t),
        ("build_report (given both)", report_t),
        ("build_report (end to end)", page_t),
        ("report body HTML", html_t),
    ):
        print(f"  {label:30s}{first * 1000:9.1f} ms{fastest * 1000:9.1f} ms")
    page = summary_t[0] + estimate_t[0] + report_t[0]  # first runs: the worst case
    print(
        f"first linkage screen or report page (summary + estimate + report): {page:.2f} s  "
        f"[target < {PAGE_TARGET_S:.0f} s: {'OK' if page < PAGE_TARGET_S else 'FAILED'}]"
    )
    if args.pdf:
        start = time.perf_counter()
        content = pdf.html_to_pdf(
            pdf.full_html(departement=departement, title=campaign.title, body_html=body)
        )
        print(f"report PDF (WeasyPrint): {time.perf_counter() - start:.2f} s, {len(content) // 1024} KiB")
    return 0 if page < PAGE_TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
