"""AFIS month by month: the scale in force each month, children changes, suspensions, and a notice to the
payer for every event (issue 14, item 3)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from parcours.core import dates
from parcours.core.models import RuleSetting
from parcours.documents.services import pdf_of
from parcours.pathways import rules
from parcours.pathways import services as psp
from parcours.pathways.models import Afis, Notice

OLD = Decimal("330.00"), Decimal("102.00")
NEW = Decimal("343.20"), Decimal("106.08")


def _expected(month: date, start: date, children: int) -> Decimal:
    base, per_child = NEW if max(month, start) >= date(2022, 7, 1) else OLD
    return base + per_child * children


@settings(deadline=None, max_examples=80)
@given(
    start=st.dates(min_value=date(2017, 4, 15), max_value=date(2025, 12, 31)),
    months=st.integers(min_value=0, max_value=24),
    children=st.integers(min_value=0, max_value=6),
    change_after=st.integers(min_value=0, max_value=24),
    new_children=st.integers(min_value=0, max_value=6),
)
def test_each_month_on_the_scale_and_children_of_that_month(
    start, months, children, change_after, new_children
):
    end = dates.add_months(start, months)
    change_month = dates.add_months(start.replace(day=1), change_after)
    lines = rules.afis_schedule(
        start, end, children=children, children_changes=[(change_month, new_children)]
    )
    assert [line.month for line in lines] == dates.months_between(start, end)
    for line in lines:
        expected_children = new_children if line.month >= change_month else children
        assert line.children == expected_children
        assert line.amount == _expected(line.month, start, expected_children)
    assert rules.afis_total(lines) == sum(line.amount for line in lines)


def test_a_revaluation_reaches_the_current_recipient_from_its_month():
    lines = rules.afis_schedule(date(2022, 4, 10), date(2022, 9, 9), children=1)
    amounts = {line.month: line.amount for line in lines}
    assert amounts[date(2022, 6, 1)] == Decimal("432.00")  # 330 + 102
    assert amounts[date(2022, 7, 1)] == Decimal("449.28")  # 343.20 + 106.08: revalued that month


def test_a_dated_setting_revalues_without_code_change(db):
    RuleSetting.objects.create(
        key=rules.AFIS_SCALE_SETTING,
        effective_from=date(2025, 4, 1),
        value={"base": "636.00", "per_child": "190.80"},
        source="Décret d'alignement sur le RSA (à confirmer)",
    )
    from parcours.pathways.settings_store import afis_overrides

    lines = rules.afis_schedule(date(2025, 2, 1), date(2025, 5, 31), children=0, overrides=afis_overrides())
    assert [line.amount for line in lines] == [Decimal("343.20")] * 2 + [Decimal("636.00")] * 2


@settings(deadline=None, max_examples=50)
@given(
    suspended_from=st.integers(min_value=0, max_value=5),
    length=st.one_of(st.none(), st.integers(min_value=1, max_value=6)),
)
def test_suspended_months_owe_nothing_and_only_them(suspended_from, length):
    start, end = date(2024, 1, 15), date(2024, 12, 14)
    first = dates.add_months(date(2024, 1, 1), suspended_from)
    resumed = dates.add_months(first, length) if length else None
    lines = rules.afis_schedule(start, end, children=0, suspensions=[(first, resumed)])
    for line in lines:
        inside = line.month >= first and (resumed is None or line.month < resumed)
        assert line.suspended is inside
        assert (line.amount == 0) is inside


def test_negative_children_and_reversed_dates_are_refused():
    with pytest.raises(rules.RuleError):
        rules.afis_schedule(date(2024, 1, 1), date(2024, 3, 1), children=-1)
    with pytest.raises(rules.RuleError):
        rules.afis_schedule(date(2024, 3, 1), date(2024, 1, 1), children=0)


def test_eligibility_conditions_warn_never_refuse():
    ok = rules.afis_eligibility_warnings(
        age=30,
        administrative_status="aps",
        has_work_permit_document=True,
        resources_below_rsa=True,
        rsa_entitled=False,
        ada_entitled=False,
    )
    assert ok == []
    warned = rules.afis_eligibility_warnings(
        age=30,
        administrative_status="asylum",
        has_work_permit_document=False,
        resources_below_rsa=False,
        rsa_entitled=True,
        ada_entitled=True,
    )
    assert len(warned) == 4
    assert any("ADA" in w for w in warned) and any("RSA" in w for w in warned)


# --- Services: every event makes a notice to the payer ---


@pytest.fixture
def granted(actors, active_pathway):
    afis = Afis.objects.get(pathway=active_pathway)
    start = active_pathway.periods.get().start
    return psp.grant_afis(
        actor=actors["secretariat"],
        afis=afis,
        granted_on=start,
        start=start,
        paying_body="MSA",
        dependent_children=1,
        resources_below_rsa=True,
        rsa_entitled=False,
        ada_entitled=True,
    )


def test_grant_makes_a_notice_with_its_letter_and_warnings(granted, actors):
    notice = granted.notices.get()
    assert notice.event == Notice.Event.GRANT and notice.addressee == Notice.Addressee.AFIS_PAYER
    assert notice.monthly_amount == rules.afis_monthly_amount(granted.start, 1)
    assert notice.status_label == "À transmettre"
    html = notice.document.html
    assert "AFIS lui est attribuée" in html and granted.pathway.person.last_name.upper() in html
    assert granted.pathway.person.last_name not in notice.document.title  # the title names the code only
    assert pdf_of(notice.document).startswith(b"%PDF")
    event = granted.pathway.events.get(name="afis_granted")
    assert "conditions à vérifier" in event.label and "ADA" in event.motive


def test_a_second_grant_is_refused(granted, actors):
    with pytest.raises(ValidationError):
        psp.grant_afis(
            actor=actors["secretariat"],
            afis=granted,
            granted_on=granted.start,
            start=granted.start,
            paying_body="MSA",
            dependent_children=0,
        )


def test_children_change_amount_follows_and_payer_told(granted, actors):
    month = dates.add_months(granted.start.replace(day=1), 1)
    psp.change_afis_children(
        actor=actors["association_worker"], afis=granted, month=month, dependent_children=3
    )
    lines = {line.month: line for line in psp.afis_lines(granted)}
    assert lines[month].children == 3
    assert lines[month].amount == rules.afis_monthly_amount(month, 3)
    notice = granted.notices.get(event=Notice.Event.CHANGE)
    assert notice.monthly_amount == lines[month].amount and notice.dependent_children == 3
    assert "3" in notice.document.html
    with pytest.raises(ValidationError):  # outside the payment
        psp.change_afis_children(
            actor=actors["association_worker"], afis=granted, month=date(2000, 1, 1), dependent_children=2
        )


def test_suspension_then_resumption(granted, actors):
    month = granted.start.replace(day=1)
    with pytest.raises(ValidationError):
        psp.suspend_afis(actor=actors["secretariat"], afis=granted, month=month, motive=" ")
    psp.suspend_afis(actor=actors["secretariat"], afis=granted, month=month, motive="Absence prolongée")
    granted.refresh_from_db()
    assert granted.status == Afis.Status.SUSPENDED
    with pytest.raises(ValidationError):  # resumption must follow the first suspended month
        psp.resume_afis(actor=actors["secretariat"], afis=granted, month=month)
    later = dates.add_months(month, 2)
    psp.resume_afis(actor=actors["secretariat"], afis=granted, month=later)
    lines = {line.month: line for line in psp.afis_lines(granted)}
    assert lines[month].amount == 0 and lines[dates.add_months(month, 1)].amount == 0
    assert lines[later].amount > 0
    events = list(granted.notices.order_by("number").values_list("event", flat=True))
    assert events == [Notice.Event.GRANT, Notice.Event.SUSPENSION, Notice.Event.RESUMPTION]


def test_stop_and_end_make_notices(granted, actors, active_pathway):
    psp.stop_afis(actor=actors["secretariat"], afis=granted, day=granted.start, motive="Reprise d'emploi")
    notice = granted.notices.get(event=Notice.Event.STOP)
    assert notice.payment_until == granted.start
    assert "cesse" in notice.document.html


def test_end_of_pathway_makes_an_end_notice(granted, actors, active_pathway):
    psp.end_pathway(
        actor=actors["secretariat"],
        pathway=active_pathway,
        reason="completed",
        day=timezone.localdate(),
        outcome="employment",
    )
    notice = granted.notices.get(event=Notice.Event.END)
    assert notice.payment_until == timezone.localdate()


def test_notify_payer_is_callable_by_other_apps(granted, actors):
    notice = psp.notify_payer(
        actor=actors["secretariat"], afis=granted, event=Notice.Event.STOP, effective_on=granted.start
    )
    assert notice.number == 2 and notice.document is not None
    with pytest.raises(ValidationError):
        psp.notify_payer(actor=actors["secretariat"], afis=granted, event="nope", effective_on=granted.start)


def test_revaluation_during_payment_is_notified_once(actors, active_pathway):
    RuleSetting.objects.create(
        key=rules.AFIS_SCALE_SETTING,
        effective_from=dates.add_months(timezone.localdate().replace(day=1), 1),
        value={"base": "636.00", "per_child": "190.80"},
        source="Test de revalorisation",
    )
    afis = Afis.objects.get(pathway=active_pathway)
    start = active_pathway.periods.get().start
    psp.grant_afis(
        actor=actors["secretariat"],
        afis=afis,
        granted_on=start,
        start=start,
        paying_body="MSA",
        dependent_children=0,
    )
    month = dates.add_months(timezone.localdate().replace(day=1), 1)
    assert psp.pending_revaluations(afis) == [month]
    [notice] = psp.notify_revaluation(actor=actors["association_worker"], afis=afis)
    assert notice.monthly_amount == Decimal("636.00") and notice.effective_on == month
    assert psp.pending_revaluations(afis) == []
    with pytest.raises(ValidationError):
        psp.notify_revaluation(actor=actors["association_worker"], afis=afis)


def test_notice_steps_in_order_never_in_the_future(granted, actors):
    notice = granted.notices.get()
    sec, today = actors["secretariat"], timezone.localdate()
    with pytest.raises(ValidationError):
        psp.record_notice_step(actor=sec, notice=notice, step="acknowledged", day=today)
    with pytest.raises(ValidationError):
        psp.record_notice_step(actor=sec, notice=notice, step="sent", day=today + timedelta(days=1))
    psp.record_notice_step(actor=sec, notice=notice, step="sent", day=today)
    with pytest.raises(ValidationError):
        psp.record_notice_step(actor=sec, notice=notice, step="payment", day=today)
    psp.record_notice_step(actor=sec, notice=notice, step="acknowledged", day=today)
    psp.record_notice_step(actor=sec, notice=notice, step="payment", day=today)
    assert notice.status_label.startswith("Pris en compte le")
    with pytest.raises(ValidationError):
        psp.record_notice_step(actor=sec, notice=notice, step="payment", day=today)


def test_unanswered_notice_stays_on_the_secretariat_board(granted, actors):
    from parcours.pathways.selectors import notices_awaiting

    notice = granted.notices.get()
    sec, today = actors["secretariat"], timezone.localdate()
    assert list(notices_awaiting(sec, today)) == [notice]
    psp.record_notice_step(actor=sec, notice=notice, step="sent", day=today)
    assert list(notices_awaiting(sec, today)) == []  # just sent: the payer has PAYER_ACK_DAYS to answer
    assert list(notices_awaiting(sec, today + timedelta(days=rules.PAYER_ACK_DAYS))) == [notice]
    assert list(notices_awaiting(actors["association_worker"], today)) == []


def test_afis_page_shows_months_and_notices(clients, granted):
    response = clients["association_worker"].get(f"/parcours/{granted.pathway.public_id}/afis/suivi/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "AFIS mois par mois" in text and "Attribution" in text and "À transmettre" in text


@pytest.mark.parametrize(
    ("event", "sentence"),
    [
        (Notice.Event.GRANT, "L'AFIS lui est attribuée à compter du"),
        (Notice.Event.RENEWAL, "Le parcours est renouvelé : le versement de l'AFIS se poursuit jusqu'au"),
        (Notice.Event.CHANGE, "Le nombre d'enfants à charge est désormais de 1"),
        (Notice.Event.REVALUATION, "Le barème de l'AFIS est revalorisé"),
        (Notice.Event.SUSPENSION, "Le versement de l'AFIS est suspendu à compter du mois de"),
        (Notice.Event.RESUMPTION, "Le versement de l'AFIS reprend à compter du mois de"),
        (Notice.Event.STOP, "Le versement de l'AFIS cesse : le dernier jour de versement est le"),
        (Notice.Event.END, "Le parcours de sortie a pris fin : l'AFIS est versée jusqu'au"),
        (Notice.Event.TRANSFER, "La personne poursuit son parcours dans le département 98"),
    ],
)
def test_each_notice_letter_says_its_event(granted, actors, event, sentence):
    notice = psp.notify_payer(
        actor=actors["secretariat"],
        afis=granted,
        event=event,
        effective_on=granted.start,
        detail="Précision fictive",
        host_departement="98",
    )
    html = notice.document.html
    assert sentence in html
    assert f"avis n° {notice.number}" in html
    assert "Précision fictive" in html
    assert "accuser réception" in html


def test_renewal_extends_the_afis_and_tells_the_payer(granted, actors, active_pathway):
    from tests.conftest import drive_to_decision

    psp.start_renewal(actor=actors["association_worker"], pathway=active_pathway)
    drive_to_decision(actors, active_pathway)
    second = active_pathway.periods.get(number=2)
    granted.refresh_from_db()
    assert granted.end == second.end
    notice = granted.notices.get(event=Notice.Event.RENEWAL)
    assert notice.payment_until == second.end and notice.effective_on == second.start
    assert notice.monthly_amount == psp.afis_month(granted, second.start).amount


def test_the_board_lists_the_afis_to_revalue_until_the_payer_is_told(actors, active_pathway):
    from parcours.pathways.selectors import afis_to_revalue

    afis = Afis.objects.get(pathway=active_pathway)
    start = active_pathway.periods.get().start
    psp.grant_afis(
        actor=actors["secretariat"],
        afis=afis,
        granted_on=start,
        start=start,
        paying_body="MSA",
        dependent_children=0,
    )
    sec = actors["secretariat"]
    assert list(afis_to_revalue(sec)) == []
    month = dates.add_months(timezone.localdate().replace(day=1), 1)
    RuleSetting.objects.create(
        key=rules.AFIS_SCALE_SETTING,
        effective_from=month,
        value={"base": "636.00", "per_child": "190.80"},
        source="Test",
    )
    [due] = afis_to_revalue(sec)
    assert due == afis and due.revalued_from == month
    assert list(afis_to_revalue(actors["association_worker"])) == []
    psp.notify_revaluation(actor=sec, afis=afis)
    assert list(afis_to_revalue(sec)) == []
