"""The kept SQL of fixed-shape queries (parcours.core.sql_shapes): reused with new parameters, never for
another shape, checked against a normal compilation in the test settings."""

import pytest
from django.db import connection
from django.db.models import Count, F
from django.test.utils import CaptureQueriesContext

from parcours.core import sql_shapes
from parcours.core.models import Membership
from parcours.core.sql_shapes import ShapeMismatch, fixed_shape
from parcours.pathways.models import Pathway, Request
from tests.factories import MembershipFactory, PeriodFactory, RequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    sql_shapes.clear()
    yield
    sql_shapes.clear()


def _fields(objects: list) -> list:
    """Each object's model, key and field values, in order: what two reads of a relation must agree on."""
    return [(type(o), o.pk, [getattr(o, f.attname) for f in o._meta.concrete_fields]) for o in objects]


def current(pathway):
    """A request with its pathway and person, as the file reads it: the latest of the pathway."""
    return (
        fixed_shape(Request.objects.filter(pathway=pathway).select_related("pathway__person"))
        .order_by("-created_at", "-pk")
        .first()
    )


def test_a_kept_sql_serves_other_parameters_with_their_own_rows_and_related_objects():
    first, second = RequestFactory(kind="initial"), RequestFactory(kind="renewal", state="draft")
    assert current(first.pathway) == first
    assert sql_shapes.shapes_kept() == 1
    with CaptureQueriesContext(connection) as ctx:
        found = current(second.pathway)
    assert sql_shapes.shapes_kept() == 1  # the same shape: reused, not kept twice
    assert len(ctx.captured_queries) == 1  # the person came with it
    assert (found, found.kind, found.state) == (second, "renewal", "draft")
    assert found.pathway == second.pathway
    assert found.pathway.person.last_name == second.pathway.person.last_name  # decrypted as usual
    assert str(second.pathway.pk) in ctx.captured_queries[0]["sql"]


def test_another_where_clause_is_another_shape():
    request = RequestFactory()
    assert list(fixed_shape(Request.objects.filter(pathway=request.pathway))) == [request]
    assert list(fixed_shape(Request.objects.filter(pathway=request.pathway, kind="renewal"))) == []
    assert list(fixed_shape(Request.objects.filter(pathway=request.pathway, kind="initial"))) == [request]
    assert sql_shapes.shapes_kept() == 2  # the third is the second's shape, with its own parameters


def test_the_structure_besides_the_where_clause_is_part_of_the_shape():
    request = RequestFactory()
    base = fixed_shape(Request.objects.filter(pathway=request.pathway))
    assert base.get().pathway_id == request.pathway_id
    # Deferred fields, related objects, ordering and slices change the SQL: each its own shape, each right.
    assert base.defer("actions_carried_out").get().get_deferred_fields() == {"actions_carried_out"}
    with CaptureQueriesContext(connection) as ctx:
        assert base.select_related("pathway").get().pathway.pk == request.pathway_id
    assert len(ctx.captured_queries) == 1
    assert list(base.order_by("pk")) == [request]
    assert list(base[1:2]) == []
    assert sql_shapes.shapes_kept() == 5


def test_two_relations_to_one_table_are_two_shapes():
    """Through `user` or `requested_by`, the join is on the same table with the same alias and the same WHERE
    text: the relation followed is part of the shape."""
    membership = MembershipFactory()
    name = membership.user.username
    assert list(fixed_shape(Membership.objects.filter(user__username=name))) == [membership]
    assert list(fixed_shape(Membership.objects.filter(requested_by__username=name))) == []
    assert list(fixed_shape(Membership.objects.filter(decided_by__username=name))) == []
    assert sql_shapes.shapes_kept() == 3


def test_queries_that_are_not_plain_model_queries_are_never_kept():
    request = RequestFactory()
    queryset = fixed_shape(Request.objects.filter(pathway=request.pathway))
    assert queryset.exists()
    assert queryset.annotate(n=Count("documents")).get().n == 0
    assert list(queryset.order_by(F("created_at").desc())) == [request]
    assert queryset.aggregate(n=Count("pk")) == {"n": 1}
    assert sql_shapes.shapes_kept() == 0
    # Writes through it are as usual.
    assert queryset.update(rights_requested=["afis"]) == 1
    assert sql_shapes.shapes_kept() == 0


def test_values_of_the_columns_are_kept_by_the_columns_named():
    first, second = RequestFactory(kind="initial"), RequestFactory(kind="renewal")

    def kinds(pathway, *columns, **options):
        return list(fixed_shape(Request.objects.filter(pathway=pathway)).values_list(*columns, **options))

    assert kinds(first.pathway, "kind") == [("initial",)]
    assert kinds(second.pathway, "kind") == [("renewal",)]  # reused
    assert kinds(second.pathway, "pk", "kind") == [(second.pk, "renewal")]  # other columns: another shape
    assert kinds(first.pathway, "kind", flat=True) == ["initial"]  # the first shape's SQL, flat
    assert list(fixed_shape(Request.objects.filter(pathway=second.pathway)).values("kind")) == [
        {"kind": "renewal"}
    ]
    assert sql_shapes.shapes_kept() == 2


def test_an_empty_in_list_is_answered_without_a_query():
    with CaptureQueriesContext(connection) as ctx:
        assert list(fixed_shape(Pathway.objects.filter(pk__in=[]))) == []
    assert ctx.captured_queries == []


def test_a_wrong_reuse_fails_loudly_in_the_test_settings():
    request = RequestFactory()
    assert fixed_shape(Request.objects.filter(pathway=request.pathway)).get() == request
    key = next(iter(sql_shapes._shapes))
    sql, layout, converters = sql_shapes._shapes.get(key)
    sql_shapes._shapes.put(key, (sql.replace("SELECT", "SELECT DISTINCT", 1), layout, converters))
    with pytest.raises(ShapeMismatch):
        fixed_shape(Request.objects.filter(pathway=request.pathway)).get()


def test_switched_off_nothing_is_kept(settings):
    settings.PARCOURS_SQL_SHAPES = False
    request = RequestFactory()
    assert current(request.pathway) == request
    assert sql_shapes.shapes_kept() == 0


def test_a_relation_read_for_one_object_is_kept_as_prefetch_related_keeps_it(django_assert_num_queries):
    """`read_prefetched`: one query, then `.all()` asks no more, each object pointing back at its owner
    (what `prefetch_related` leaves); another relation of the owner is still read from the database."""
    from tests.factories import DepartementFactory, OrganisationFactory

    departement = DepartementFactory()
    made = {OrganisationFactory(departement=departement).pk for _ in range(2)}
    with django_assert_num_queries(1):
        read = sql_shapes.read_prefetched(departement, "organisations")
    assert {o.pk for o in read} == made
    with django_assert_num_queries(0):
        again = list(departement.organisations.all())
        assert [o.pk for o in again] == [o.pk for o in read]
        assert all(o.departement is departement for o in again)
    with django_assert_num_queries(1):
        departement.organisations.filter(pk__in=made).count()


def test_a_count_is_kept_and_counts_each_time_with_its_own_parameters(settings):
    """A paginator's COUNT(*): its statement captured once, then sent with the new WHERE parameters (one
    query, the right number each time); not mistaken for the rows' shape."""
    settings.PARCOURS_SQL_SHAPES_VERIFY = False  # the reuse itself, without the comparison that re-runs it
    one = RequestFactory(kind="initial", decided=True)
    RequestFactory(pathway=one.pathway, kind="renewal", state="draft")
    other = RequestFactory(kind="initial")

    def count(pathway, **filters):
        return fixed_shape(Request.objects.filter(pathway=pathway, **filters)).order_by("-created_at").count()

    assert count(one.pathway) == 2
    assert sql_shapes.shapes_kept() == 1
    with CaptureQueriesContext(connection) as ctx:
        assert count(other.pathway) == 1
        assert count(one.pathway) == 2
    assert [q["sql"].startswith('SELECT COUNT(*) AS "__count"') for q in ctx.captured_queries] == [True, True]
    assert sql_shapes.shapes_kept() == 1
    assert count(one.pathway, kind="renewal") == 1  # another WHERE clause: another shape
    assert sql_shapes.shapes_kept() == 2
    # The rows of the same queryset are another entry, right as well.
    rows = fixed_shape(Request.objects.filter(pathway=other.pathway)).order_by("-created_at")
    assert list(rows) == [other]
    assert rows.count() == 1


def test_a_wrong_count_reuse_fails_loudly_in_the_test_settings():
    request = RequestFactory()
    assert fixed_shape(Request.objects.filter(pathway=request.pathway)).count() == 1
    key = next(iter(sql_shapes._shapes))
    sql, layout, converters = sql_shapes._shapes.get(key)
    sql_shapes._shapes.put(key, (sql.replace("COUNT(*)", "COUNT(DISTINCT id)", 1), layout, converters))
    with pytest.raises(ShapeMismatch):
        fixed_shape(Request.objects.filter(pathway=request.pathway)).count()


def test_related_exist_asks_once_for_each_relation_and_its_values():
    from parcours.core.sql_shapes import related_exist

    request = RequestFactory(kind="initial", state="draft")
    pathway = request.pathway
    with CaptureQueriesContext(connection) as ctx:
        present = related_exist(pathway, "requests", "periods", "end_reports")
    assert present == {"requests": True, "periods": False, "end_reports": False}
    assert len(ctx.captured_queries) == 1
    assert related_exist(pathway, "requests", only={"requests": {"state": ("authorised", "refused")}}) == {
        "requests": False
    }
    assert related_exist(pathway, "requests", only={"requests": {"state": ("refused", "draft")}}) == {
        "requests": True
    }
    # Another pathway's rows are not this one's.
    other = PeriodFactory().pathway
    assert related_exist(other, "periods") == {"periods": True}
    assert related_exist(pathway, "periods") == {"periods": False}


def test_related_exist_asks_of_other_instances_in_the_same_statement():
    from parcours.core.sql_shapes import known_empty, none_related, related_exist

    request = RequestFactory(kind="initial", state="draft")
    pathway = request.pathway
    with CaptureQueriesContext(connection) as ctx:
        present = related_exist(pathway, "periods", also=[(request, ("documents",)), (None, ("letters",))])
    assert present == {"periods": False, "documents": False}
    assert len(ctx.captured_queries) == 1
    with pytest.raises(ValueError):
        related_exist(pathway, "periods", also=[(pathway, ("periods",))])
    # Known empty: no query for `.all()`; a relation not recorded is not known empty.
    assert not known_empty(pathway, "periods")
    none_related(pathway, "periods")
    with CaptureQueriesContext(connection) as ctx:
        assert known_empty(pathway, "periods") and list(pathway.periods.all()) == []
    assert ctx.captured_queries == []
    assert not known_empty(pathway, "requests")


def test_a_relation_read_again_sends_the_kept_statement_and_reads_fresh_rows(settings):
    """The second read of a relation (another owner) builds the objects from the kept statement: the same
    fields as the ORM's, its encrypted texts decrypted, each pointing back at its owner, rows added since
    included; the owner's `.all()` and a filter on it stay right."""
    from parcours.pathways.models import PlanObjective
    from tests.factories import PlanObjectiveFactory

    first, second = RequestFactory(), RequestFactory()
    PlanObjectiveFactory(request=first)
    sql_shapes.read_prefetched(first, "objectives")  # the ORM's read, kept
    settings.PARCOURS_SQL_SHAPES_VERIFY = False  # the direct read itself
    made = [PlanObjectiveFactory(request=second, objective=f"Objectif <{n}> & co") for n in range(2)]
    with CaptureQueriesContext(connection) as ctx:
        read = sql_shapes.read_prefetched(second, "objectives")
        assert list(second.objectives.all()) == read and all(o.request is second for o in read)
    assert len(ctx.captured_queries) == 1
    orm = list(PlanObjective.objects.filter(request=second).order_by("domain", "created_at"))
    assert _fields(read) == _fields(orm)
    assert sorted(o.objective for o in read) == ["Objectif <0> & co", "Objectif <1> & co"]
    PlanObjectiveFactory(request=second)
    assert (
        len(sql_shapes.read_prefetched(RequestFactory._meta.model.objects.get(pk=second.pk), "objectives"))
        == 3
    )
    assert second.objectives.filter(pk=made[0].pk).count() == 1  # a filter still reads this owner's rows


def test_a_wrong_relation_read_fails_loudly_in_the_test_settings():
    first, second = RequestFactory(), RequestFactory()
    sql_shapes.read_prefetched(first, "objectives")
    key = (Request, "objectives", "default")
    sql, *rest = sql_shapes._relation_reads.get(key)
    sql_shapes._relation_reads.put(key, (sql.replace(" = %s", " <> %s", 1), *rest))
    from tests.factories import PlanObjectiveFactory

    PlanObjectiveFactory(request=first)
    with pytest.raises(ShapeMismatch):
        sql_shapes.read_prefetched(second, "objectives")


def test_a_relation_read_ordered_through_a_join_reads_each_owners_rows(settings):
    """A membership's default ordering follows its organisation (a join in the statement): the direct read
    gives each account its own memberships, in that order."""
    settings.PARCOURS_SQL_SHAPES_VERIFY = False
    first = MembershipFactory()
    second = MembershipFactory()
    MembershipFactory(user=second.user)
    assert [m.pk for m in sql_shapes.read_prefetched(first.user, "memberships")] == [first.pk]
    assert sql_shapes._relation_reads.get((type(first.user), "memberships", "default")) is not None
    read = sql_shapes.read_prefetched(second.user, "memberships")
    assert [m.pk for m in read] == [m.pk for m in Membership.objects.filter(user=second.user)]
    assert len(read) == 2 and all(m.user is second.user for m in read)


def test_switched_off_no_relation_read_is_kept(settings):
    settings.PARCOURS_SQL_SHAPES = False
    pathway = RequestFactory().pathway
    assert len(sql_shapes.read_prefetched(pathway, "requests")) == 1
    assert sql_shapes._relation_reads.get((Pathway, "requests", "default")) is None


def test_a_direct_read_checked_in_the_test_settings_still_sends_one_query():
    """The verification compiles, it does not read twice: a page's query count is as in production."""
    from tests.factories import PlanObjectiveFactory

    first, second = RequestFactory(), RequestFactory()
    sql_shapes.read_prefetched(first, "objectives")
    PlanObjectiveFactory(request=second)
    with CaptureQueriesContext(connection) as ctx:
        assert len(sql_shapes.read_prefetched(second, "objectives")) == 1
    assert len(ctx.captured_queries) == 1
