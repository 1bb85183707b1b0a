"""The synthetic country (`manage.py build_synthetic_country`), built small: three départements, 200 people,
three years. What must hold in any size: the law's rules in the data, the register numbered without gaps,
identities encrypted and still searchable, the network's activity present, and the same seed giving the
same country."""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import date
from importlib import import_module

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from parcours.actions.models import OutreachRound, PreventionAction, Training
from parcours.commission.models import (
    Convocation,
    DecisionSequence,
    Meeting,
    MeetingKind,
    MeetingState,
    PrefectDecision,
)
from parcours.core import dates
from parcours.core.models import AuditEvent, Departement
from parcours.demo.country import CountryBuilder
from parcours.demo.generator import FIRST_NAMES, LAST_NAMES
from parcours.pathways import rules
from parcours.pathways.models import (
    OPEN_REQUEST_STATES,
    Afis,
    EndReason,
    Pathway,
    PathwayState,
    Period,
    Request,
    RequestKind,
)
from parcours.people.models import Person
from parcours.referrals.models import Detection, DetectionIndicator, ProtectionReport, Referral
from parcours.referrals.selectors import search_detections
from tests.at_rest import database_dump, hits_in_bytes, needles_of

pytestmark = pytest.mark.django_db

TODAY = "2026-06-30"
SMALL = ["--departements", "3", "--people", "200", "--years", "3", "--today", TODAY, "--seed", "7"]


def build(*args: str) -> str:
    out = io.StringIO()
    call_command("build_synthetic_country", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def country(django_db_setup, django_db_blocker):
    """Built once for the module, in a transaction rolled back at the end (audit rows cannot be deleted)."""
    with django_db_blocker.unblock(), transaction.atomic():
        if not DetectionIndicator.objects.filter(departement__isnull=True).exists():
            import_module("parcours.referrals.migrations.0002_national_indicators").seed(apps, None)
        yield build(*SMALL)
        transaction.set_rollback(True)


def test_the_command_says_what_it_built_and_how_long_it_took(country):
    assert "Pays synthétique construit en" in country
    assert "people.Person" in country and "pathways.Pathway" in country
    assert "premières demandes transmises en 2024" in country


def test_counts_per_model(country):
    assert list(Departement.objects.values_list("code", flat=True)) == ["01", "02", "03"]
    assert Person.objects.count() == 200
    assert Pathway.objects.count() >= 10
    assert Request.objects.filter(kind=RequestKind.RENEWAL).exists()
    states = set(Pathway.objects.values_list("state", flat=True))
    assert {PathwayState.ACTIVE, PathwayState.ENDED, PathwayState.REFUSED} <= states
    assert PrefectDecision.objects.filter(outcome=PrefectDecision.Outcome.REFUSED).exists()
    assert Meeting.objects.filter(kind=MeetingKind.PLENARY, state=MeetingState.CLOSED).exists()
    assert Meeting.objects.filter(kind=MeetingKind.RESTRICTED, state=MeetingState.CLOSED).exists()
    assert Convocation.objects.filter(present=True).exists()
    assert Convocation.objects.filter(present=False).exists()
    assert AuditEvent.objects.filter(at__year=2024).exists()  # history, not the day of the build


def test_some_departements_have_no_pathway(country):
    """Two départements in three have pathways, as in the country (67 of 101)."""
    assert len(set(Pathway.objects.values_list("departement__code", flat=True))) == 2


def test_no_pathway_is_longer_than_24_months_and_periods_are_of_6_months(country):
    periods = defaultdict(list)
    for period in Period.objects.order_by("pathway_id", "number"):
        periods[period.pathway_id].append(period)
    assert periods
    for run in periods.values():
        assert [p.number for p in run] == list(range(1, len(run) + 1))
        assert len(run) <= rules.MAX_PERIODS
        for previous, period in zip(run, run[1:], strict=False):
            assert period.start > previous.end  # never overlapping
        for period in run:
            assert period.start <= period.end <= dates.add_months(period.start, rules.PERIOD_MONTHS)
        assert run[-1].end <= dates.months_end(run[0].start, rules.MAX_PATHWAY_MONTHS)
    closed = Request.objects.filter(pathway__state__in=[PathwayState.ENDED, PathwayState.REFUSED])
    assert not closed.filter(state__in=OPEN_REQUEST_STATES).exists()
    for pathway in Pathway.objects.filter(state=PathwayState.ENDED):
        assert pathway.ended_on and pathway.end_reason
        last = max(periods.get(pathway.pk, []), key=lambda p: p.number, default=None)
        assert last is None or last.end <= pathway.ended_on


def test_pathways_end_for_every_reason_over_ten_years():
    """The simulation alone (nothing written): over ten years, every way a pathway ends occurs."""
    builder = CountryBuilder(departements=12, people=3000, years=10, seed=7, today=date(2026, 6, 30))
    builder.depts = builder.build_departements()
    for d in builder.depts:
        builder.build_commission(d)
    builder.build_pathways()
    reasons = {p.end_reason for p in builder.rows[Pathway] if p.state == PathwayState.ENDED}
    # A transfer ends a pathway only when another département takes the person over (pathways.services,
    # accept then close): a flow between two files that the bulk simulation does not write.
    assert reasons == set(EndReason.values) - {EndReason.TRANSFERRED}
    assert {p.state for p in builder.rows[Pathway]} == set(PathwayState.values)


def test_every_end_decided_by_the_prefect_is_in_the_register(country):
    ended = Pathway.objects.filter(state=PathwayState.ENDED)
    assert ended.exists()
    for pathway in ended.filter(end_reason="ended_by_prefect"):
        decision = pathway.prefect_decisions.get(outcome=PrefectDecision.Outcome.ENDED)
        assert decision.request is None and decision.signed_on == pathway.ended_on
    assert not ended.exclude(end_reason="completed").exclude(outcome="").exists()


def test_afis_follows_the_scale_and_the_age_of_majority(country):
    paid = Afis.objects.exclude(start=None).select_related("pathway__person")
    assert paid.exists()
    for afis in paid:
        person = afis.pathway.person
        assert dates.age_on(person.birth_date, afis.start) >= rules.AFIS_MIN_AGE
        assert afis.monthly_amount == rules.afis_monthly_amount(afis.start, afis.dependent_children)
        assert afis.end >= afis.start


def test_register_numbers_have_no_gap_per_departement_and_year(country):
    numbers = defaultdict(list)
    for decision in PrefectDecision.objects.all():
        assert decision.state == PrefectDecision.State.SIGNED
        assert decision.year == decision.signed_on.year
        assert decision.reference == f"{decision.year}-{decision.number:04d}"
        numbers[(decision.departement_id, decision.year)].append(decision.number)
    assert numbers
    for (departement, year), found in numbers.items():
        assert sorted(found) == list(range(1, len(found) + 1))
        sequence = DecisionSequence.objects.get(departement_id=departement, year=year)
        assert sequence.last_number == len(found)
    decided = Request.objects.exclude(decision="")
    assert all(r.decision_reference == r.prefect_decision.reference for r in decided)


def test_no_synthetic_name_is_in_clear_in_the_database(country):
    assert (
        hits_in_bytes(database_dump(connection).encode(), needles_of(FIRST_NAMES + LAST_NAMES), database=True)
        == set()
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_name, first_name, birth_date FROM people_person")
        rows = cursor.fetchall()
    assert len(rows) == 200
    assert all(value.startswith("gAAAAA") for row in rows for value in row)


def test_search_by_name_finds_a_synthetic_person_through_the_index(country):
    person = Person.objects.filter(last_name_bidx__gt="").order_by("pk").first()
    found = Person.objects.search_name(f"{person.first_name} {person.last_name}")
    assert person in found
    assert person in Person.objects.search(last_name=person.last_name, birth_date=person.birth_date)
    named = Detection.objects.filter(last_name_bidx__gt="").order_by("pk").first()
    assert named in search_detections(Detection.objects.all(), named.last_name, limit=50)


def test_the_network_activity_is_there(country):
    assert Detection.objects.filter(is_minor=True).exists()
    assert Detection.objects.filter(is_minor=False).exists()
    assert ProtectionReport.objects.exists()
    assert not ProtectionReport.objects.filter(detection__is_minor=False).exists()
    assert OutreachRound.objects.exists() and PreventionAction.objects.exists() and Training.objects.exists()
    assert Referral.objects.exists()


def test_refuses_a_second_country_and_replaces_it_identically(country):
    first = sorted(Person.objects.values_list("pseudonym", "birth_year"))
    decisions = sorted(PrefectDecision.objects.values_list("reference", "signed_on"))
    events = AuditEvent.objects.count()
    with pytest.raises(CommandError, match="existe déjà"):
        build(*SMALL)
    build(*SMALL, "--replace")
    assert sorted(Person.objects.values_list("pseudonym", "birth_year")) == first
    assert sorted(PrefectDecision.objects.values_list("reference", "signed_on")) == decisions
    assert AuditEvent.objects.count() == events
    assert Departement.objects.count() == 3


def test_refuses_a_database_with_real_departements(country):
    Departement.objects.create(code="00", name="Département réel")
    count = Person.objects.count()
    with pytest.raises(CommandError, match="départements réels"):
        build(*SMALL, "--replace")
    assert Person.objects.count() == count


def test_bad_options_are_refused_in_french(country):
    with pytest.raises(CommandError, match="entre 1 et 101"):
        build("--departements", "0", "--replace")
    with pytest.raises(CommandError, match="Date invalide"):
        build("--today", "30/06/2026", "--replace")
    assert Departement.objects.count() == 3


def test_reference_year_figures_are_reported(country):
    assert "parcours ouverts (en instruction ou autorisés) au 31/12/2024" in country
    assert date.fromisoformat(TODAY).year == 2026


def test_the_pages_open_on_the_synthetic_country(country):
    """The rows written in bulk are what the views expect: the secretariat's, the signatory's and an
    association's pages open on pathways in every state, on held meetings and on the register."""
    from django.urls import reverse

    from parcours.core.access import Actor
    from parcours.core.models import Membership
    from tests.conftest import client_for

    def client(username):
        membership = Membership.objects.select_related("user", "organisation").get(user__username=username)
        return client_for(Actor(membership.user, membership))

    departement = Pathway.objects.values_list("departement__code", flat=True).first().lower()
    secretariat, association = client(f"{departement}.ddfe"), client(f"{departement}.asso0")
    pathways = Pathway.objects.filter(departement__code__iexact=departement)
    pages = [reverse("home"), reverse("pathways:list"), reverse("people:list"), reverse("referrals:list")]
    pages += [reverse("commission:meeting_list"), reverse("commission:home")]
    for state in PathwayState.values:
        for pathway in pathways.filter(state=state)[:2]:
            pages.append(reverse("pathways:detail", args=[pathway.public_id]))
    meeting = Meeting.objects.filter(departement__code__iexact=departement, state=MeetingState.CLOSED).first()
    pages.append(reverse("commission:meeting_detail", args=[meeting.public_id]))
    pages.append(reverse("commission:decision_list"))
    for outcome in PrefectDecision.Outcome.values:
        decision = PrefectDecision.objects.filter(pathway__in=pathways, outcome=outcome).first()
        if decision is not None:
            pages.append(reverse("commission:decision_detail", args=[decision.public_id]))
    for page in pages:
        assert secretariat.get(page).status_code == 200, page
    signatory = client(f"{departement}.prefet")
    assert signatory.get(reverse("commission:decision_list")).status_code == 200
    own = pathways.filter(association__name__startswith="Association L'Escale").first()
    for page in [reverse("home"), reverse("people:list"), reverse("pathways:detail", args=[own.public_id])]:
        assert association.get(page).status_code == 200, page


@pytest.mark.parametrize("year", [2024, 2026])
def test_every_measure_read_once_for_every_departement_gives_each_its_own_figures(country, year):
    """The national set reads each measure once for all départements (registry.evaluate_across): each
    département's figures, every breakdown included, are those it gets alone."""
    from parcours.stats import kit, registry
    from parcours.stats.publication import Audience, measures_for
    from parcours.stats.registry import Scope

    departements = list(Departement.objects.order_by("code"))
    scope = Scope.across(departements, date(year, 1, 1), min(date(year, 12, 31), date.fromisoformat(TODAY)))
    with kit.labels_read_once():
        for measure in measures_for(Audience.SECRETARIAT):
            together = registry.evaluate_across(measure, scope, measure.breakdowns)
            for departement in departements:
                alone = registry.evaluate_many(measure, scope.one(departement), measure.breakdowns)
                assert together[departement.pk] == alone, (measure.code, departement.code)
    # Not vacuous: the départements differ and have figures.
    counts = registry.evaluate_across(registry.get("pathways.requests_submitted"), scope, [])
    assert len({c[None].value for c in counts.values()}) > 1


@pytest.mark.parametrize("audience", ["secretariat", "national"])
def test_the_national_set_in_one_pass_is_each_departements_own_set(country, audience):
    from parcours.stats import indicator_export
    from parcours.stats.publication import Audience

    departements = list(Departement.objects.order_by("code"))
    today = date.fromisoformat(TODAY)
    options = {"year": 2025, "audience": Audience(audience), "today": today, "threshold": 11}
    together = indicator_export.build_many(departements=departements, **options)
    for departement, result in zip(departements, together, strict=True):
        alone = indicator_export.build(departement=departement, **options)
        assert indicator_export.as_json(result) == indicator_export.as_json(alone)
    if audience == "national":
        assert any('"secret": true' in indicator_export.as_json(r) for r in together)


def test_the_whole_country_is_published_to_the_national_store(country):
    """What `publish_national` computes for every département is valid for the national store (its own
    validation, the one an imported file meets): every département stored, nothing refused."""
    from parcours.national.models import Release
    from parcours.national.services import publish_local_many

    departements = list(Departement.objects.order_by("code"))
    results = publish_local_many(departements=departements, year=2025, today=date.fromisoformat(TODAY))
    assert [r.status for r in results] == ["created"] * len(departements)
    assert set(Release.objects.filter(year=2025).values_list("departement_code", flat=True)) == {
        d.code for d in departements
    }
