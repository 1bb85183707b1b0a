"""Issue 14 (items 11, 12, 14, 15): the quorum as the texts say, proxies, remote presence, reconvening
without quorum, votes with the chair's casting vote, dissent in the minutes, the minutes sent to every member
and readable in their portal, plenaries of the year, member categories as dated data.

The commission fixture (tests/commission/conftest.py): seats magistrate, police, doctor, association (the one
that accompanies the person: recused on her request) and the president of the conseil départemental (not in
the restricted formation): 4 seats in the restricted formation.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from parcours.commission import rules
from parcours.commission import services as cs
from parcours.commission.models import (
    AgendaItem,
    Arrete,
    Convocation,
    Meeting,
    MeetingKind,
    Seat,
)
from parcours.commission.rules import SeatCategory
from parcours.commission.selectors import categories_in_force, member_minutes, plenary_status, quorum_status
from parcours.core.models import AuditEvent, RuleSetting
from parcours.documents.services import pdf_of
from parcours.outbox.models import OutgoingEmail
from parcours.pathways.models import RequestState
from tests.conftest import client_for
from tests.factories import DepartementFactory, make_actor, started_ago

from .conftest import in_days, ready_request

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())  # the lines of a paragraph, joined


@pytest.fixture
def sec(actors):
    return actors["secretariat"]


@pytest.fixture
def convened(actors, commission, pathway):
    """A restricted meeting this morning, convened, with the person's request on its agenda."""
    sec = actors["secretariat"]
    request = ready_request(actors, pathway)
    meeting = cs.schedule_meeting(
        actor=sec, kind=MeetingKind.RESTRICTED, starts_at=in_days(8), place="Salle 2"
    )
    item = cs.add_request_item(actor=sec, meeting=meeting, request=request)
    cs.convene(actor=sec, meeting=meeting)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=started_ago(1))
    meeting.refresh_from_db()
    return meeting, item


def conv(meeting, commission, name) -> Convocation:
    return meeting.convocations.get(mandate=commission.mandates[name])


# --- Quorum: every seat of the arrêté, present, remote or represented ---


def test_every_seat_of_the_arrete_counts_even_without_an_account(sec, commission, convened):
    meeting, item = convened
    assert quorum_status(meeting)["total"] == 4  # the president does not sit in the restricted formation
    # An ex officio seat whose holder has no Parcours account: it counts all the same.
    labour = cs.add_seat(actor=sec, arrete=commission.arrete, category=SeatCategory.LABOUR, label="DDETS")
    status = quorum_status(meeting)
    assert status["total"] == 5 and status["needed"] == 3
    # Two members present: 2 seats of 5, below half.
    doctor, police = conv(meeting, commission, "doctor"), conv(meeting, commission, "police")
    status = cs.record_attendance(actor=sec, meeting=meeting, present_ids={doctor.pk, police.pk})
    assert (status["filled"], status["reached"]) == (2, False)
    # The DDETS director came, convened outside Parcours: ticked, the seat is filled and the quorum reached.
    status = cs.record_attendance(
        actor=sec, meeting=meeting, present_ids={doctor.pk, police.pk}, offline_seat_ids={labour.pk}
    )
    assert (status["filled"], status["reached"]) == (3, True)


def test_a_member_taking_part_remotely_is_present(sec, commission, convened):
    meeting, _ = convened
    doctor, police = conv(meeting, commission, "doctor"), conv(meeting, commission, "police")
    with pytest.raises(ValidationError, match="Seul un membre présent"):
        cs.record_attendance(actor=sec, meeting=meeting, present_ids={doctor.pk}, remote_ids={police.pk})
    status = cs.record_attendance(
        actor=sec, meeting=meeting, present_ids={doctor.pk, police.pk}, remote_ids={police.pk}
    )
    assert status["reached"] and status["remote"] == 1


def test_a_proxy_represents_an_absent_member_one_proxy_each(sec, commission, convened):
    meeting, _ = convened
    doctor, police, magistrate, asso = (
        conv(meeting, commission, name) for name in ("doctor", "police", "magistrate", "association")
    )
    cs.record_attendance(actor=sec, meeting=meeting, present_ids={doctor.pk})
    assert not quorum_status(meeting)["reached"]  # 1 of 4
    with pytest.raises(ValidationError, match="membre présent"):
        cs.record_proxy(actor=sec, meeting=meeting, giver=police, holder=magistrate)
    cs.record_proxy(actor=sec, meeting=meeting, giver=police, holder=doctor)
    status = quorum_status(meeting)
    assert (status["filled"], status["proxies"], status["reached"]) == (2, 1, True)
    # Nobody holds more than one proxy (décret n° 2006-672, art. 10).
    with pytest.raises(ValidationError, match="nul n'en détient plus d'une"):
        cs.record_proxy(actor=sec, meeting=meeting, giver=asso, holder=doctor)
    with pytest.raises(ValidationError, match="déjà donné procuration"):
        cs.record_proxy(actor=sec, meeting=meeting, giver=police, holder=doctor)
    # The holder turns out absent after all: the proxy falls with the new attendance.
    cs.record_attendance(actor=sec, meeting=meeting, present_ids={magistrate.pk})
    police.refresh_from_db()
    assert police.proxy_holder_id is None and quorum_status(meeting)["filled"] == 1


def test_no_proxy_for_a_member_whose_substitute_sits(sec, commission, convened):
    meeting, _ = convened
    doctor = conv(meeting, commission, "doctor")
    cs.answer_convocation(actor=commission.members["doctor"], convocation=doctor, answer="substitute")
    substitute = conv(meeting, commission, "doctor-sub")
    police = conv(meeting, commission, "police")
    cs.record_attendance(actor=sec, meeting=meeting, present_ids={substitute.pk, police.pk})
    with pytest.raises(ValidationError, match="déjà pourvu"):
        cs.record_proxy(actor=sec, meeting=meeting, giver=doctor, holder=police)


def test_the_quorum_is_the_arretes(sec, commission, convened):
    meeting, _ = convened
    Arrete.objects.filter(pk=commission.arrete.pk).update(quorum_percent=75)
    doctor, police = conv(meeting, commission, "doctor"), conv(meeting, commission, "police")
    status = cs.record_attendance(actor=sec, meeting=meeting, present_ids={doctor.pk, police.pk})
    assert (status["needed"], status["reached"]) == (3, False)
    assert "75 %" in status["source"]
    with pytest.raises(ValidationError, match="de 0 à 100"):
        cs.create_arrete(
            actor=sec,
            reference="ARR-QUORUM",
            signed_on=timezone.localdate(),
            mandate_start=timezone.localdate(),
            quorum_percent=120,
        )


@given(total=st.integers(min_value=1, max_value=60), percent=st.integers(min_value=1, max_value=100))
def test_seats_needed_is_the_least_number_that_reaches_the_quorum(total, percent):
    rule = rules.quorum_rule_of(percent)
    needed = rules.seats_needed(total, rule)
    assert rules.quorum_reached(needed, total, rule) or needed > total
    assert not rules.quorum_reached(needed - 1, total, rule)


# --- Quorum failed: the commission reconvened on the same agenda deliberates without quorum ---


def test_without_quorum_the_commission_is_reconvened_and_deliberates(
    sec, actors, commission, convened, pathway
):
    meeting, item = convened
    cs.record_attendance(actor=sec, meeting=meeting, present_ids={conv(meeting, commission, "doctor").pk})
    with pytest.raises(ValidationError, match="quorum n'est pas atteint.*Reconvoquez"):
        cs.record_item_opinion(actor=sec, item=item, opinion="favourable", motive="Projet solide")
    with pytest.raises(ValidationError, match="passé"):
        cs.reconvene(
            actor=sec, meeting=meeting, starts_at=timezone.now() - timedelta(days=1), place="Salle 2"
        )
    again = cs.reconvene(actor=sec, meeting=meeting, starts_at=in_days(9), place="Salle 2")
    item.refresh_from_db()
    assert item.meeting == again and again.without_quorum and again.kind == MeetingKind.RESTRICTED
    with pytest.raises(ValidationError, match="déjà reconvoquée"):
        cs.reconvene(actor=sec, meeting=meeting, starts_at=in_days(10), place="Salle 2")
    # The same agenda: nothing can be added to it.
    with pytest.raises(ValidationError, match="même ordre du jour"):
        cs.add_free_item(actor=sec, meeting=again, title="Questions diverses")
    # The first meeting's minutes say where its items went.
    first = cs.draft_minutes(actor=sec, meeting=meeting)
    text = pdf_text(pdf_of(first.document))
    assert "non atteint" in text and f"{again.day:%Y}" in text and pathway.person.pseudonym in text
    # The new convocation says no quorum will be required.
    cs.convene(actor=sec, meeting=again)
    again.refresh_from_db()
    assert "aucun quorum ne sera exigé" in pdf_text(pdf_of(again.convocation_document))
    email = OutgoingEmail.objects.get(
        to=commission.members["doctor"].user.email,
        idempotency_key__contains=str(conv(again, commission, "doctor").public_id),
    )
    assert "sans condition de quorum" in email.body
    # Held with one member present: the opinion is given all the same.
    Meeting.objects.filter(pk=again.pk).update(starts_at=started_ago(0.5))
    again.refresh_from_db()
    status = cs.record_attendance(
        actor=sec, meeting=again, present_ids={conv(again, commission, "police").pk}
    )
    assert status["reached"] and not status["applies"]
    item = AgendaItem.objects.get(pk=item.pk)
    cs.record_item_opinion(actor=sec, item=item, opinion="favourable", motive="Projet solide")
    item.request.refresh_from_db()
    assert item.request.state == RequestState.REVIEWED
    text = pdf_text(pdf_of(cs.draft_minutes(actor=sec, meeting=again).document))
    assert "aucun quorum ne serait exigé" in text and "Avis favorable" in text


def test_a_meeting_with_quorum_is_not_reconvened(sec, commission, convened):
    meeting, _ = convened
    cs.record_attendance(actor=sec, meeting=meeting, present_ids={c.pk for c in meeting.convocations.all()})
    with pytest.raises(ValidationError, match="quorum est atteint"):
        cs.reconvene(actor=sec, meeting=meeting, starts_at=in_days(9), place="Salle 2")


# --- Votes, the chair's casting vote, dissent ---


def everyone_present(sec, meeting):
    cs.record_attendance(actor=sec, meeting=meeting, present_ids={c.pk for c in meeting.convocations.all()})


def test_a_tie_is_broken_by_the_chair(sec, commission, convened):
    meeting, item = convened
    everyone_present(sec, meeting)  # 4 seats filled, the association recused: 3 voters
    with pytest.raises(ValidationError, match="voix prépondérante"):
        cs.record_item_opinion(
            actor=sec,
            item=item,
            opinion="favourable",
            motive="x",
            votes_for=1,
            votes_against=1,
            abstentions=1,
        )
    cs.record_item_opinion(
        actor=sec,
        item=item,
        opinion="unfavourable",
        motive="Engagements à préciser",
        votes_for=1,
        votes_against=1,
        abstentions=1,
        casting_vote="unfavourable",
    )
    item.refresh_from_db()
    assert (item.votes_for, item.votes_against, item.abstentions, item.casting_vote) == (
        1,
        1,
        1,
        "unfavourable",
    )
    text = pdf_text(pdf_of(cs.draft_minutes(actor=sec, meeting=meeting).document))
    assert "1 voix pour un avis favorable, 1 pour un avis défavorable, 1 abstention" in text
    assert "prépondérante" in text


@pytest.mark.parametrize(
    "counts, opinion, casting, error",
    [
        ((2, 1, 0), "unfavourable", "", "donne un avis favorable"),
        ((2, 2, 0), "favourable", "", "4 voix décomptées pour 3"),
        ((2, 0, 0), "favourable", "favourable", "partage égal"),
        ((0, 0, 0), "postponed", "", "pour ajourner, laissez-le vide"),
        ((None, None, None), "favourable", "favourable", "partage égal"),
    ],
)
def test_vote_counts_that_cannot_be_are_refused(sec, commission, convened, counts, opinion, casting, error):
    meeting, item = convened
    everyone_present(sec, meeting)
    with pytest.raises(ValidationError, match=error):
        cs.record_item_opinion(
            actor=sec,
            item=item,
            opinion=opinion,
            motive="Motif",
            votes_for=counts[0],
            votes_against=counts[1],
            abstentions=counts[2],
            casting_vote=casting,
        )
    item.refresh_from_db()
    assert item.opinion == "" and item.votes_for is None


@given(
    votes_for=st.integers(min_value=0, max_value=20),
    votes_against=st.integers(min_value=0, max_value=20),
    abstentions=st.integers(min_value=0, max_value=20),
    casting=st.sampled_from(["favourable", "unfavourable"]),
)
def test_the_majority_decides_and_the_chair_only_on_a_tie(votes_for, votes_against, abstentions, casting):
    voters = votes_for + votes_against + abstentions
    outcome = rules.vote_outcome(votes_for, votes_against, abstentions, voters, casting)
    if votes_for != votes_against:
        assert outcome == ("favourable" if votes_for > votes_against else "unfavourable")
    else:
        assert outcome == casting
    with pytest.raises(rules.VoteError):
        rules.vote_outcome(votes_for, votes_against, abstentions + 1, voters, casting)


def test_a_members_disagreement_is_mentioned_in_the_minutes(sec, commission, convened, pathway):
    meeting, item = convened
    doctor = conv(meeting, commission, "doctor")
    police = conv(meeting, commission, "police")
    cs.record_attendance(
        actor=sec,
        meeting=meeting,
        present_ids={doctor.pk, police.pk, conv(meeting, commission, "magistrate").pk},
    )
    mandate = commission.mandates["doctor"]
    with pytest.raises(ValidationError, match="pas encore rendu"):
        cs.record_dissent(actor=sec, item=item, mandate=mandate)
    cs.record_item_opinion(
        actor=sec,
        item=item,
        opinion="favourable",
        motive="Projet solide",
        votes_for=2,
        votes_against=1,
        abstentions=0,
    )
    with pytest.raises(ValidationError, match="n'a pas pris part"):
        cs.record_dissent(actor=sec, item=item, mandate=commission.mandates["association"])
    cs.record_dissent(
        actor=sec,
        item=item,
        mandate=mandate,
        statement=f"{pathway.person.first_name} n'a pas encore de solution d'hébergement stable.",
    )
    with pytest.raises(ValidationError, match="déjà mentionné"):
        cs.record_dissent(actor=sec, item=item, mandate=mandate)
    text = pdf_text(pdf_of(cs.draft_minutes(actor=sec, meeting=meeting).document))
    member = commission.members["doctor"].user.get_full_name()
    assert f"mention du désaccord de {member}" in text
    # A name typed by mistake is replaced by the code: the minutes go to every member.
    assert pathway.person.first_name not in text and pathway.person.pseudonym in text


# --- Frozen minutes: sent to every member, readable in their portal ---


def test_frozen_minutes_go_to_every_member_and_stay_readable(sec, actors, commission, convened):
    meeting, item = convened
    everyone_present(sec, meeting)
    cs.record_item_opinion(actor=sec, item=item, opinion="favourable", motive="Projet solide")
    minutes = cs.draft_minutes(actor=sec, meeting=meeting)
    cs.close_meeting(actor=sec, meeting=meeting)
    minutes.refresh_from_db()
    # Titulars and substitutes of the 4 seats of the restricted formation (the president does not sit in it).
    expected = {
        commission.members[name].user.email
        for name in ("magistrate", "police", "doctor", "association")
        for name in (name, f"{name}-sub")
    }
    sent = set(
        OutgoingEmail.objects.filter(idempotency_key__startswith="proces-verbal:").values_list(
            "to", flat=True
        )
    )
    assert sent == expected and minutes.sent_count == 8
    assert commission.members["president"].user.email not in sent
    # A substitute who was never convened reads them in the portal, long after the portal window.
    substitute = commission.members["police-sub"]
    with time_machine.travel(timezone.now() + timedelta(days=60)):
        assert list(member_minutes(substitute)) == [minutes]
        client = client_for(substitute)
        page = client.get(reverse("commission:portal_minutes"))
        assert page.status_code == 200 and "Procès-verbaux figés" in page.content.decode()
        pdf = client.get(reverse("commission:portal_minutes_pdf", args=[minutes.public_id]))
        assert pdf.status_code == 200 and pdf["Cache-Control"] == "no-store"
        assert AuditEvent.objects.filter(
            action="download", object_type="commission.minutes", user=substitute.user
        ).exists()
        # The president (not in this formation) and another département's member get 404.
        president = client_for(commission.members["president"])
        assert (
            president.get(reverse("commission:portal_minutes_pdf", args=[minutes.public_id])).status_code
            == 404
        )
        outsider = make_actor("commission_member", departement=DepartementFactory(code="98"))
        response = client_for(outsider).get(
            reverse("commission:portal_minutes_pdf", args=[minutes.public_id])
        )
        assert response.status_code == 404


# --- Plenaries of the year (décret du 30 décembre 2025) ---


def test_only_plenaries_count_and_the_board_warns_from_june(sec, commission):
    year = timezone.localdate().year + 1
    with time_machine.travel(date(year, 5, 31)):
        assert not plenary_status(sec.departement, date(year, 5, 31))["alert"]
    with time_machine.travel(date(year, 6, 1)):
        today = timezone.localdate()
        cs.schedule_meeting(actor=sec, kind=MeetingKind.RESTRICTED, starts_at=in_days(20), place="Salle 1")
        status = plenary_status(sec.departement, today)
        assert (status["planned"], status["minimum"], status["alert"]) == (0, 2, True)
        board = client_for(sec).get(reverse("home")).content.decode()
        assert "Séances plénières de l&#x27;année" in board or "Séances plénières de l'année" in board
        cs.schedule_meeting(actor=sec, kind=MeetingKind.PLENARY, starts_at=in_days(20), place="Salle 1")
        plenary = cs.schedule_meeting(
            actor=sec, kind=MeetingKind.PLENARY, starts_at=in_days(40), place="Salle 1"
        )
        assert not plenary_status(sec.departement, today)["alert"]
        cs.cancel_meeting(actor=sec, meeting=plenary)
        assert plenary_status(sec.departement, today)["missing"] == 1


def test_one_plenary_was_enough_before_the_decret_of_december_2025(sec):
    with time_machine.travel(date(2025, 7, 1)):
        assert plenary_status(sec.departement, date(2025, 7, 1))["minimum"] == 1
    RuleSetting.objects.create(
        key=rules.MIN_PLENARIES_SETTING,
        effective_from=date(2027, 1, 1),
        value={"minimum": 3},
        source="Texte à venir (test)",
    )
    assert plenary_status(sec.departement, date(2027, 9, 1))["minimum"] == 3


# --- Member categories as dated data; the immigration service behind the wall ---


def test_categories_follow_the_dated_wording_of_r_121_12_7(sec, commission):
    assert SeatCategory.DEPARTMENT_PRESIDENT not in categories_in_force(date(2025, 6, 1))
    assert SeatCategory.DEPARTMENT_PRESIDENT in categories_in_force(date(2026, 1, 2))
    assert "police nationale" in categories_in_force(date(2024, 1, 1))[SeatCategory.PUBLIC_SECURITY]
    assert "sécurité publique" in categories_in_force(date(2023, 11, 30))[SeatCategory.PUBLIC_SECURITY]
    with time_machine.travel(date(2025, 6, 1)):
        with pytest.raises(ValidationError, match="ne figure pas"):
            cs.add_seat(
                actor=sec, arrete=commission.arrete, category=SeatCategory.CHILD_PROTECTION, label="ASE"
            )


def test_formations_are_the_arretes(sec, commission):
    seat = cs.add_seat(
        actor=sec,
        arrete=commission.arrete,
        category=SeatCategory.EDUCATION,
        label="DASEN",
        formations=["plenary", "coordination"],
    )
    assert (seat.in_plenary, seat.in_restricted, seat.in_coordination) == (True, False, True)
    with pytest.raises(ValidationError, match="ne siège pas sur les demandes individuelles"):
        cs.add_seat(
            actor=sec,
            arrete=commission.arrete,
            category=SeatCategory.DEPARTMENT_PRESIDENT,
            label="Présidente du conseil départemental",
            formations=["restricted"],
        )
    assert not Seat.objects.filter(label="Présidente du conseil départemental").exists()


def test_the_foreigners_department_does_not_read_health_nor_social_details(sec, commission, convened):
    from parcours.commission.summaries import WALL_NOTICE, applies_wall

    meeting, _ = convened
    seat = cs.add_seat(
        actor=sec, arrete=commission.arrete, category=SeatCategory.FOREIGNERS, label="Service des étrangers"
    )
    assert seat.is_enforcement
    member = make_actor("commission_member", departement=sec.departement)
    mandate = cs.appoint(actor=sec, seat=seat, member=member.user, kind="titular")
    convocation = Convocation.objects.create(meeting=meeting, mandate=mandate)
    assert applies_wall(convocation) and "service des étrangers" in WALL_NOTICE


def test_votes_and_proxies_pages_refuse_bad_input_in_french(sec, commission, convened):
    meeting, item = convened
    everyone_present(sec, meeting)
    client = client_for(sec)
    url = reverse("commission:opinion", args=[meeting.public_id, item.public_id])
    response = client.post(
        url,
        {
            "opinion": "favourable",
            "motive": "Motif",
            "votes_for": "-1",
            "votes_against": "0",
            "abstentions": "0",
        },
    )
    assert response.status_code == 200 and "ne peut pas être négatif" in response.content.decode()
    response = client.post(
        url,
        {
            "opinion": "unfavourable",
            "motive": "Motif",
            "votes_for": "2",
            "votes_against": "1",
            "abstentions": "0",
        },
    )
    assert response.status_code == 200 and "donne un avis favorable" in response.content.decode()
    item.refresh_from_db()
    assert item.opinion == "" and AgendaItem.objects.filter(pk=item.pk, votes_for__isnull=True).exists()
    response = client.post(
        url,
        {
            "opinion": "favourable",
            "motive": "Motif",
            "votes_for": "2",
            "votes_against": "1",
            "abstentions": "0",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("commission:meeting_detail", args=[meeting.public_id])).content.decode()
    assert "Vote : 2 pour un avis favorable, 1 pour un avis défavorable, 0 abstention" in page
