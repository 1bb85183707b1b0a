"""Scoped reads of pathways: the single place that encodes who sees which PSP."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, Subquery

from parcours.core import dates
from parcours.core.access import Actor
from parcours.core.roles import Role
from parcours.core.sql_shapes import store_prefetched
from parcours.people.selectors import read_person_data

from .models import (
    EndReport,
    Notice,
    Pathway,
    PathwayState,
    Period,
    Request,
    RequestDocument,
    RequestKind,
    RequestState,
    ResidencePermit,
    Transfer,
)

SIGNATORY_REQUEST_STATES = (RequestState.REVIEWED, RequestState.AUTHORISED, RequestState.REFUSED)


def pathways_visible_to(actor: Actor | None):
    if actor is None:
        return Pathway.objects.none()
    base = Pathway.objects.filter(departement=actor.departement)
    if actor.role == Role.SECRETARIAT:
        return base
    if actor.is_association:
        return base.filter(association=actor.organisation)
    if actor.role == Role.SIGNATORY:
        # Decisions to sign and their dossiers: an EXISTS per pathway (its requests' index), not a join
        # de-duplicated by DISTINCT over every column of the pathway and its person.
        to_sign = Request.objects.filter(
            departement=actor.departement, pathway=OuterRef("pk"), state__in=SIGNATORY_REQUEST_STATES
        )
        return base.filter(Exists(to_sign))
    return Pathway.objects.none()


def requests_visible_to(actor: Actor | None):
    """The requests of the pathways the actor sees (as pathways_visible_to), read through the requests' own
    département column and its (département, état) index."""
    if actor is None:
        return Request.objects.none()
    base = Request.objects.filter(departement=actor.departement)
    if actor.role == Role.SECRETARIAT:
        return base
    if actor.is_association:
        return base.filter(pathway__association=actor.organisation)
    if actor.role == Role.SIGNATORY:
        return base.filter(pathway__in=pathways_visible_to(actor))
    return Request.objects.none()


def listable_pathways(actor: Actor | None):
    qs = pathways_visible_to(actor)
    if actor is not None and not (actor.is_secretariat or actor.is_association):
        qs = qs.filter(person__is_sensitive=False)
    return qs


def get_pathway_or_404(
    actor: Actor,
    public_id,
    *,
    detail: str = "dossier du parcours",
    related: tuple[str, ...] = (),
    defer: tuple[str, ...] = (),
) -> Pathway:
    """The pathway in the actor's scope (404 otherwise), read through the audited accessor; `related`: more
    relations read in the same query (the dossier page: its AFIS and its residence permit); `defer`: fields
    the page does not show, left in the database (an encrypted one is then neither read nor decrypted)."""
    return read_person_data(
        actor,
        pathways_visible_to(actor)
        .select_related("person__departement", "association", *related)
        .defer(*defer),
        public_id,
        person_of=lambda pathway: pathway.person,
        detail=detail,
    )


def permits_visible_to(actor: Actor | None):
    """The immigration service sees permits of authorised pathways only, and only what it needs."""
    if actor is None or actor.role not in (Role.IMMIGRATION, Role.SECRETARIAT):
        return ResidencePermit.objects.none()
    return ResidencePermit.objects.filter(
        pathway__departement=actor.departement,
        pathway__state__in=[PathwayState.ACTIVE, PathwayState.ENDED],
    ).select_related("pathway__person")


def get_permit_or_404(actor: Actor, public_id) -> ResidencePermit:
    return read_person_data(
        actor,
        permits_visible_to(actor),
        public_id,
        person_of=lambda p: p.pathway.person,
        detail="titre de séjour",
    )


def get_request_document_or_404(actor: Actor, pathway_id, document_id) -> RequestDocument:
    """A supporting document of a pathway the actor sees: its download is journaled against the person."""
    scope = RequestDocument.objects.filter(
        request__pathway__in=pathways_visible_to(actor), request__pathway__public_id=pathway_id
    ).select_related("request__pathway__person__departement")
    return read_person_data(
        actor,
        scope,
        document_id,
        person_of=lambda doc: doc.request.pathway.person,
        action="download",
        detail="pièce justificative",
    )


# What calls for action on the « À traiter » board, one queryset per kind of item: the board loads the first
# few of each and counts the rest; the pathway list (?a_traiter=<key>) and the permit list show them all.


def requests_to_handle(actor: Actor, states, *, outside_register: bool = False):
    """Open requests in `states` of the pathways the actor sees."""
    qs = requests_visible_to(actor).filter(state__in=states)
    if outside_register:
        # Each case once (issue 11, item 5): a request whose decision is in the register (drafted, returned)
        # or whose opinion was given in a Parcours meeting is on the commission's sections instead.
        qs = qs.filter(prefect_decision__isnull=True).exclude(
            agenda_items__opinion__in=["favourable", "unfavourable"]
        )
    return qs


def _last_end():
    """The end of a pathway's last period, read through the (pathway, number) index: one row per pathway."""
    return Subquery(Period.objects.filter(pathway=OuterRef("pk")).order_by("-number").values("end")[:1])


def periods_ending(actor: Actor, today: date, horizon: date):
    """Active pathways whose last period ends between today and the horizon, no renewal under way."""
    open_renewal = Request.objects.filter(
        pathway=OuterRef("pk"),
        kind=RequestKind.RENEWAL,
        state__in=[s for s in RequestState.values if s not in ("authorised", "refused", "abandoned")],
    )
    return (
        pathways_visible_to(actor)
        .filter(state=PathwayState.ACTIVE)
        .annotate(last_end=_last_end())
        .filter(last_end__gte=today, last_end__lte=horizon)
        .filter(~Exists(open_renewal))
    )


def periods_over(actor: Actor, today: date):
    """Active pathways whose last period has ended."""
    return (
        pathways_visible_to(actor)
        .filter(state=PathwayState.ACTIVE)
        .annotate(last_end=_last_end())
        .filter(last_end__lt=today)
    )


def end_reports_pending(actor: Actor):
    return EndReport.objects.filter(pathway__in=pathways_visible_to(actor), state=EndReport.State.PENDING)


def permits_expiring(actor: Actor, horizon: date):
    """Issued permits of active pathways expiring by the horizon (expired ones included)."""
    if actor.role in (Role.IMMIGRATION, Role.SECRETARIAT):
        base = permits_visible_to(actor)
    else:
        base = ResidencePermit.objects.filter(pathway__in=pathways_visible_to(actor))
    return base.filter(
        pathway__state=PathwayState.ACTIVE, status=ResidencePermit.Status.ISSUED, expires_on__lte=horizon
    )


def board_horizon(today: date) -> date:
    return today + timedelta(days=settings.PARCOURS_BOARD_HORIZON_DAYS)


# The board's kinds of items that the pathway list can show in full: key → (label, states or None).
TO_HANDLE = {
    "verifier": "Demandes à vérifier (complétude)",
    "pretes": "Demandes prêtes pour la commission",
    "avis-rendus": "Avis rendus hors séance, décision à enregistrer",
    "incompletes": "Demandes incomplètes",
    "en-preparation": "Demandes en préparation",
    "periodes-finissant": "Périodes se terminant sans demande de renouvellement",
    "periodes-echues": "Périodes échues sans suite",
    "titres-expirant": "Titres de séjour expirant ou expirés",
    "fins-signalees": "Fins de parcours signalées à confirmer",
    "decisions-a-preparer": "Avis rendus en séance, décision du préfet à préparer",
}
_TO_HANDLE_STATES = {
    "verifier": [RequestState.SUBMITTED],
    "pretes": [RequestState.READY, RequestState.POSTPONED],
    "avis-rendus": [RequestState.REVIEWED],
    "incompletes": [RequestState.INCOMPLETE],
    "en-preparation": [RequestState.DRAFT],
}


def pathways_to_handle(actor: Actor, key: str, today: date):
    """The pathways behind one kind of board item (`key` in TO_HANDLE), for the pathway list."""
    scope = pathways_visible_to(actor)
    if key in _TO_HANDLE_STATES:
        requests = requests_to_handle(actor, _TO_HANDLE_STATES[key], outside_register=key == "avis-rendus")
        return scope.filter(Exists(requests.filter(pathway=OuterRef("pk"))))
    if key == "decisions-a-preparer":  # the commission's board: an opinion given in a meeting, undrafted
        requests = requests_visible_to(actor).filter(
            state=RequestState.REVIEWED,
            agenda_items__opinion__in=["favourable", "unfavourable"],
            agenda_items__decision__isnull=True,
        )
        return scope.filter(Exists(requests.filter(pathway=OuterRef("pk"))))
    if key == "periodes-finissant":
        return scope.filter(pk__in=periods_ending(actor, today, board_horizon(today)).values("pk"))
    if key == "periodes-echues":
        return scope.filter(pk__in=periods_over(actor, today).values("pk"))
    if key == "titres-expirant":
        return scope.filter(pk__in=permits_expiring(actor, board_horizon(today)).values("pathway_id"))
    if key == "fins-signalees":
        return scope.filter(pk__in=end_reports_pending(actor).values("pathway_id"))
    return scope


def same_person_records(person):
    """The person's records that count towards her or his cap: the record itself, and in the OTHER
    départements the records with the same keyed blind indexes of birth name and birth date (a person who
    moved, or was entered again elsewhere). Within a département, duplicates are merged by the secretariat
    (people.merge) rather than matched. Used only to count months: nothing of those records is shown."""
    from parcours.people.models import Person

    same = Q(pk=person.pk)
    if person.last_name_bidx and person.birth_date_bidx:
        same |= Q(last_name_bidx=person.last_name_bidx, birth_date_bidx=person.birth_date_bidx) & ~Q(
            departement_id=person.departement_id
        )
    return Person.objects.filter(same)


# The periods of a list of pathways, (pathway, number, start, end): on PostgreSQL one statement whose text
# never changes (the ids travel as one array), prepared once per connection; the ORM's `IN (%s, %s, …)`
# differs with the number of rows and was compiled at every display of the pathway list.
_PERIODS_OF = (
    f'SELECT pathway_id, number, start, "end" FROM {Period._meta.db_table} '  # noqa: S608 (the model's table)
    "WHERE pathway_id = ANY(%s::bigint[]) ORDER BY number"
)


def last_periods(pathway_ids: list[int]) -> dict[int, tuple]:
    """The last period of each of these pathways, (number, start, end) by pathway id (none: absent). Read
    in number order, each pathway's last period is the one kept."""
    from django.db import connection

    if not pathway_ids:
        return {}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_PERIODS_OF, [list(pathway_ids)])
            rows = cursor.fetchall()
    else:
        rows = (
            Period.objects.filter(pathway__in=pathway_ids)
            .order_by("number")
            .values_list("pathway_id", "number", "start", "end")
        )
    return {pathway_id: tuple(period) for pathway_id, *period in rows}


def months_used_by_person(pathway: Pathway) -> int:
    """Months the person already used in other pathways (earlier ones, other départements, other associations)
    that count towards the cap of rules.MAX_PATHWAY_MONTHS: the periods of the person's records
    (`same_person_records`) and of the pathway this one continues through an accepted transfer. Only a number:
    never which département, which association or which file (docs/regles.md, « Transferts et plafond »).
    One query; a page that asks several times sets `pathway._months_used_elsewhere` once."""
    from . import rules

    if hasattr(pathway, "_months_used_elsewhere"):
        return pathway._months_used_elsewhere
    return rules.carried_months(_periods_of_the_same_person(pathway))


def _periods_of_the_same_person(pathway: Pathway) -> list[tuple]:
    """(start, end) of every period of the pathways that count with this one, this one excluded: the
    pathways of the person's records (`same_person_records`: the record, and in the other départements the
    records with the same blind indexes of birth name and birth date) and the pathway this one continues
    through an accepted transfer. One SQL statement written out: a UNION of three index lookups, which the ORM
    took 5 ms of Python to build on every pathway page (the OR of two subqueries it replaces made PostgreSQL
    read every period of the country). tests/pathways/test_transfers.py checks it against the cases."""
    from django.db import connection

    sql, params = _periods_counted_with(pathway, ["start", "end"], own=False)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # SQLite's cursor gives a date column as text, PostgreSQL's as a date.
    return [tuple(date.fromisoformat(d) if isinstance(d, str) else d for d in row) for row in rows]


def read_periods_and_months_elsewhere(pathway: Pathway) -> None:
    """The pathway's own periods and the months the person used elsewhere (`months_used_by_person`), in one
    statement instead of two: the page of a pathway's request shows both. The periods become the pathway's
    `periods` as `prefetch_related("periods")` leaves them (ordered by number, each period's pathway this
    one); the months, `pathway._months_used_elsewhere`."""
    from . import rules

    columns = [field.column for field in Period._meta.concrete_fields]
    sql, params = _periods_counted_with(pathway, columns, own=True)
    own, elsewhere = [], []
    for period in Period.objects.raw(sql, params):
        if period.pathway_id == pathway.pk:
            period.pathway = pathway
            own.append(period)
        else:
            elsewhere.append((period.start, period.end))
    own.sort(key=lambda period: period.number)
    store_prefetched(pathway, "periods", pathway.periods.get_queryset(), own)
    pathway._months_used_elsewhere = rules.carried_months(elsewhere)


def _periods_counted_with(pathway: Pathway, columns: list[str], *, own: bool) -> tuple[str, list]:
    """The statement that reads `columns` of the periods of the pathways counted with this one (see
    `_periods_of_the_same_person`), and this one's own periods too if `own`."""
    from django.db import connection

    from parcours.people.models import Person

    # Only the models' own table and column names (quoted) are written into the text; every value is a
    # parameter.
    q = connection.ops.quote_name
    tables = {
        "period": q(Period._meta.db_table),
        "pathway": q(Pathway._meta.db_table),
        "person": q(Person._meta.db_table),
        "transfer": q(Transfer._meta.db_table),
    }
    selected = ", ".join(f"p.{q(column)}" for column in columns)
    person = pathway.person
    parts = ["SELECT w.id FROM {pathway} w WHERE w.person_id = %s"]
    params: list = [person.pk]
    if person.last_name_bidx and person.birth_date_bidx:
        parts.append(
            "SELECT w.id FROM {pathway} w JOIN {person} pe ON pe.id = w.person_id "
            "WHERE pe.last_name_bidx = %s AND pe.birth_date_bidx = %s "
            "AND (pe.departement_id <> %s OR pe.departement_id IS NULL)"
        )
        params += [person.last_name_bidx, person.birth_date_bidx, person.departement_id]
    parts.append("SELECT t.pathway_id FROM {transfer} t WHERE t.new_pathway_id = %s AND t.state IN (%s, %s)")
    params += [pathway.pk, Transfer.State.ACCEPTED, Transfer.State.DONE]
    # Own periods: the pathway is one of the person's (the first part of the UNION); others: not it.
    where = "" if own else "p.pathway_id <> %s AND "
    sql = (
        f"SELECT {selected} FROM {{period}} p WHERE {where}p.pathway_id IN ("  # noqa: S608 (the names above; values are parameters)
        + " UNION ".join(parts)
        + ")"
    ).format(**tables)
    return sql, ([] if own else [pathway.pk]) + params


def notices_awaiting(actor: Actor, today: date):
    """The secretariat's notices still unsent, or sent without acknowledgement for rules.PAYER_ACK_DAYS days,
    or acknowledged by the payer without the date the payment took them into account: the payment would go
    on (or stop) by silence."""
    from . import rules

    if actor is None or actor.role != Role.SECRETARIAT:
        return Notice.objects.none()
    late = today - timedelta(days=rules.PAYER_ACK_DAYS)
    return (
        Notice.objects.filter(departement=actor.departement)
        .filter(
            Q(sent_on__isnull=True)
            | Q(acknowledged_on__isnull=True, sent_on__lte=late)
            | Q(
                addressee=Notice.Addressee.AFIS_PAYER,
                acknowledged_on__isnull=False,
                payment_effective_on__isnull=True,
            )
        )
        .select_related("pathway__person")
        .order_by("created_at", "pk")
    )


def transfers_to_accept(actor: Actor):
    """Transfers into the actor's département waiting for its secretariat. The receiving secretariat sees the
    transfer (pseudonym, months used, receiving association), not the file, until it accepts."""
    if actor is None or actor.role != Role.SECRETARIAT:
        return Transfer.objects.none()
    return Transfer.objects.filter(
        kind=Transfer.Kind.DEPARTEMENT, state=Transfer.State.PENDING, to_departement=actor.departement
    ).select_related("pathway__person", "from_departement", "to_association")


def transfers_to_consent(actor: Actor):
    """Pathways handed over to the actor's association, waiting for the person's consent to follow."""
    if actor is None or not actor.is_association:
        return Transfer.objects.none()
    return Transfer.objects.filter(
        kind=Transfer.Kind.ASSOCIATION, state=Transfer.State.PENDING, to_association=actor.organisation
    ).select_related("pathway__person", "from_association")


def get_incoming_transfer_or_404(actor: Actor, public_id) -> Transfer:
    from django.http import Http404

    transfer = (transfers_to_accept(actor) | transfers_to_consent(actor)).filter(public_id=public_id).first()
    if transfer is None:
        raise Http404
    return transfer


def transfers_to_close(actor: Actor):
    """Transfers accepted by the receiving département whose former pathway the actor's secretariat closes."""
    if actor is None or actor.role != Role.SECRETARIAT:
        return Transfer.objects.none()
    return Transfer.objects.filter(
        kind=Transfer.Kind.DEPARTEMENT, state=Transfer.State.ACCEPTED, from_departement=actor.departement
    ).select_related("pathway__person", "to_departement")


def afis_to_revalue(actor: Actor):
    """The AFIS being paid in the secretariat's département whose payment spans a change of the scale (a
    revaluation, dated in rules or in core.RuleSetting) of which the payer was not told yet: one query. Each
    row carries `revalued_from`, the first such month (annotated)."""
    from django.db.models import Case, DateField, Value, When

    from parcours.core.models import RuleSetting

    from . import rules
    from .models import Afis

    if actor is None or actor.role != Role.SECRETARIAT:
        return Afis.objects.none()
    revaluations = sorted(
        {dates.first_of_month(s.effective_from) for s in rules.AFIS_SCALE_DEFAULTS[1:]}
        | {
            dates.first_of_month(day)
            for day in RuleSetting.objects.filter(key=rules.AFIS_SCALE_SETTING).values_list(
                "effective_from", flat=True
            )
        }
    )
    if not revaluations:
        return Afis.objects.none()
    conditions = []
    for day in revaluations:
        told = Notice.objects.filter(afis=OuterRef("pk"), event=Notice.Event.REVALUATION, effective_on=day)
        conditions.append((Q(start__lt=day, end__gte=day) & ~Exists(told), day))
    due = Q()
    for condition, _ in conditions:
        due |= condition
    return (
        Afis.objects.filter(
            pathway__departement=actor.departement, status__in=[Afis.Status.GRANTED, Afis.Status.SUSPENDED]
        )
        .filter(due)
        .annotate(
            revalued_from=Case(
                *(When(condition, then=Value(day)) for condition, day in conditions), output_field=DateField()
            )
        )
        .select_related("pathway__person")
        .order_by("revalued_from", "pk")
    )
