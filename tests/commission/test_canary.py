"""The canary test: no identity, contact or follow-up detail ever reaches a commission member.

People are created with recognisable canary values in every identity and contact field, in their aliases,
their follow-up notes, the free-text details of their situation and a document's file name. Their requests
go on an agenda, the members are convened, and then, as EACH convened member (enforcement seats and the
others), every page reachable from the portal is fetched: the board `/`, "Mes séances", and every link of
those pages that stays under `/commission/`, recursively. No canary may appear, case-insensitively and with
or without accents, in any response body (PDFs are read as text), in any header, nor in the audit table.

To extend it: add a URL builder to EXTRA_URLS (one line); a PDF download is read with pypdf automatically.
"""

from __future__ import annotations

import html
import io
import re
import unicodedata
from collections.abc import Callable
from datetime import date

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from parcours.commission import services as cs
from parcours.commission.models import AgendaItem, Convocation, MeetingKind
from parcours.core.models import AuditEvent
from parcours.pathways import services as psp
from parcours.pathways.models import DocumentKind
from parcours.people import services as people_services
from tests.conftest import pdf_upload
from tests.factories import PersonFactory
from tests.views.helpers import fast_static

from .conftest import client_for, in_days, ready_request

pytestmark = pytest.mark.django_db

BIRTH_DATE = date(1988, 9, 23)
CANARY_PEOPLE = [
    {
        "last_name": "Canarisynthe",
        "first_name": "Pinsonnelle",
        "usual_name": "Mésangéline",
        "birth_date": BIRTH_DATE,
        "nationality": "passerinéenne",
        "languages": "bruantais, linottien",
        "phone": "07 48 26 93 15",
        "email": "fauvette.canari@exemple.invalid",
        "address": "17 allée des Verdiers, 99123 Bruantville-sur-Canarisse",
        "situation_notes": "Précision Grivettine sur la situation",
    },
    {
        "last_name": "Serinocanaille",
        "first_name": "Roitelène",
        "usual_name": "Bergeronnette-Chardonne",
        "birth_date": date(1979, 2, 11),
        "nationality": "pipitoise",
        "languages": "sittellien",
        "phone": "06 91 37 58 24",
        "email": "verdier.canari@exemple.invalid",
        "address": "4 impasse du Torcol, 99456 Gobemouche",
        "situation_notes": "Détail Accentorine",
    },
]
ALIASES = ["Rougegorgette", "Hypolaïsse"]
NOTES = ["Note Linottine : entretien confidentiel", "Compte rendu Phragmitine"]
DOCUMENT_NAMES = ["Canarisynthe-passeport.pdf", "Serinocanaille-titre.pdf"]


def canaries() -> list[str]:
    values = []
    for person in CANARY_PEOPLE:
        for key, value in person.items():
            if isinstance(value, date):
                values += [value.strftime("%d/%m/%Y"), value.isoformat(), value.strftime("%d%m%Y")]
            else:
                values.append(value)
                if key == "phone":
                    values.append(value.replace(" ", ""))
    return values + ALIASES + NOTES + DOCUMENT_NAMES


def fold(text: str) -> str:
    """Lower case, no accents, HTML entities decoded: the canary matches whatever the rendering."""
    text = html.unescape(text)
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


# Further pages to fetch as every member, beyond the crawl: `lambda ctx: url` (PDFs are read as text).
EXTRA_URLS: list[Callable[[dict], str]] = [
    lambda ctx: reverse("commission:portal"),
    lambda ctx: "/",
]
CRAWL_PREFIX = "/commission/"
HREF = re.compile(r'href="([^"#]+)')


def body_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/pdf"):
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
    return content.decode(errors="replace")


def crawl(client, start: list[str]) -> dict[str, tuple[int, str, str]]:
    """GET every start URL and every /commission/ link found, once: {url: (status, body, headers)}."""
    seen: dict[str, tuple[int, str, str]] = {}
    queue = list(start)
    while queue:
        url = html.unescape(queue.pop())
        if url in seen:
            continue
        response = client.get(url)
        body = body_text(response)
        headers = "\n".join(f"{k}: {v}" for k, v in response.items())
        seen[url] = (response.status_code, body, headers)
        if response.get("Content-Type", "").startswith("text/html"):
            queue += [link for link in HREF.findall(body) if link.startswith(CRAWL_PREFIX)]
    return seen


@pytest.fixture(autouse=True)
def _fast_static(settings):
    fast_static(settings)


@pytest.fixture
def canary_meeting(actors, association, commission):
    worker, sec = actors["association_worker"], actors["secretariat"]
    meeting = cs.schedule_meeting(
        actor=sec, kind=MeetingKind.RESTRICTED, starts_at=in_days(8), place="Préfecture, salle 3"
    )
    for fields, alias, note, document in zip(CANARY_PEOPLE, ALIASES, NOTES, DOCUMENT_NAMES, strict=True):
        person = PersonFactory(organisation=association, created_by=worker.user, **fields)
        people_services.add_alias(actor=worker, person=person, kind="alias", name=alias)
        people_services.add_note(
            actor=worker, person=person, day=timezone.localdate(), kind="interview", text=note
        )
        pathway = psp.start_pathway(actor=worker, person=person)
        psp.add_document(
            actor=worker,
            request=pathway.requests.open().get(),
            kind=DocumentKind.OTHER,
            uploaded=pdf_upload(name=document),
        )
        request = ready_request(actors, pathway)
        request.rights_requested = ["afis", "health", "housing"]
        request.save(update_fields=["rights_requested"])
        cs.add_request_item(actor=sec, meeting=meeting, request=request)
    cs.add_free_item(actor=sec, meeting=meeting, title="Bilan annuel des maraudes")
    cs.convene(actor=sec, meeting=meeting)
    # The doctor sends the substitute, who is convened too.
    doctor = Convocation.objects.get(meeting=meeting, mandate=commission.mandates["doctor"])
    cs.answer_convocation(actor=commission.members["doctor"], convocation=doctor, answer="substitute")
    return meeting


def test_no_canary_reaches_any_convened_member(commission, canary_meeting):
    meeting = canary_meeting
    convened_users = set(meeting.convocations.values_list("mandate__member", flat=True))
    members = {name: actor for name, actor in commission.members.items() if actor.user.pk in convened_users}
    # Enforcement seats and the others, titular and substitute.
    assert {"magistrate", "police", "doctor", "doctor-sub", "association"} <= set(members)
    wanted = [(value, fold(value)) for value in canaries()]
    ctx = {"meeting": meeting}
    summaries_seen = 0
    for name, actor in members.items():
        pages = crawl(client_for(actor), [build(ctx) for build in EXTRA_URLS])
        # The crawl did reach the agenda and the summaries this member may read.
        assert pages[reverse("commission:portal_meeting", args=[meeting.public_id])][0] == 200, name
        readable = [
            reverse("commission:portal_item", args=[meeting.public_id, item.public_id])
            for item in AgendaItem.objects.filter(meeting=meeting, kind="request").exclude(
                recusals__mandate__member=actor.user
            )
        ]
        assert readable or name == "association", name
        for url in readable:
            assert pages[url][0] == 200, (name, url)
            summaries_seen += 1
        for url, (status, body, headers) in pages.items():
            assert status < 500, (name, url, status)
            folded = fold(body) + "\n" + fold(headers) + "\n" + fold(url)
            leaked = [value for value, folded_value in wanted if folded_value in folded]
            assert not leaked, f"{name} : {url} laisse passer {leaked}"
    assert summaries_seen >= 8  # 4 members with both summaries (the association is recused)

    audit_rows = "\n".join(fold(" ".join(str(v) for v in row)) for row in AuditEvent.objects.values_list())
    leaked = [value for value, folded_value in wanted if folded_value in audit_rows]
    assert not leaked, f"Le journal d'audit contient {leaked}"
    # Each summary read is journaled against the person it is about.
    summaries_read = AuditEvent.objects.filter(
        action="view", object_type="people.person", detail__startswith="résumé pseudonymisé"
    )
    assert summaries_read.count() >= summaries_seen


def pdf_document_text(document) -> str:
    from pypdf import PdfReader

    from parcours.documents.services import pdf_of

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf_of(document))).pages)


def test_no_canary_in_what_members_receive(actors, commission, canary_meeting):
    """The convocation e-mails and their PDF, then the minutes (sent to every member) carry codes only."""
    from datetime import timedelta

    from parcours.outbox.models import OutgoingEmail

    meeting = canary_meeting
    wanted = [(value, fold(value)) for value in canaries()]
    emails = list(OutgoingEmail.objects.all())
    assert len(emails) >= 5  # every convened member, the substitute included
    texts = [e.subject + "\n" + e.body for e in emails] + [pdf_document_text(meeting.convocation_document)]
    sec = actors["secretariat"]
    # The meeting takes place: an hour after it starts, on its day (8 days on, 14:00). It used to be moved to
    # "an hour ago", which is yesterday between midnight and 1 a.m., before the requests were submitted.
    with time_machine.travel(meeting.starts_at + timedelta(hours=1), tick=False):
        cs.record_attendance(
            actor=sec, meeting=meeting, present_ids={c.pk for c in meeting.convocations.all()}
        )
        for item in meeting.items.filter(kind="request"):
            cs.record_item_opinion(actor=sec, item=item, opinion="favourable", motive="Projet construit")
        minutes = cs.draft_minutes(actor=sec, meeting=meeting)
    texts.append(pdf_document_text(minutes.document))
    for text in texts:
        leaked = [value for value, folded_value in wanted if folded_value in fold(text)]
        assert not leaked, f"Un envoi aux membres contient {leaked}"
    # The minutes name each request by its code. Text extracted from a PDF may break a code where the table
    # cell wraps it (after "99-") or space its glyphs, depending on the random code: compare without spaces.
    minutes_text = "".join(texts[-1].split())
    codes = [item.title.split(" — ")[-1] for item in meeting.items.filter(kind="request")]
    assert all(code in minutes_text for code in codes), (codes, texts[-1])


def test_the_canary_detector_works():
    """The check itself can fail: a page with a canary (accents dropped, upper case) is caught."""
    page = "<p>MESANGELINE, 23/09/1988 — canarisynthe-passeport.pdf</p>"
    caught = [value for value in canaries() if fold(value) in fold(page)]
    assert {"Mésangéline", "23/09/1988", "Canarisynthe-passeport.pdf"} <= set(caught)
