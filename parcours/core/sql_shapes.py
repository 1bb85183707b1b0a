"""The compiled SQL of a few hot queries, kept for the process's life and reused with new parameters.

Django compiles a queryset to SQL at every evaluation; for the wide models of a pathway's file (a request with
its decision, agrément and organisation: ~190 columns; a pathway with its person) that compilation was a
quarter of the page's time (3.6 of 14.3 ms, docs/pays-synthetique.md). Django has no cache of compiled SQL,
and the one library found that offered it (django-prepared-queries) was last released in January 2019
(0.3.1), before Django 3.0: this module is that cache, kept small and strict.

A queryset opts in with `fixed_shape(queryset)`. When it is evaluated (model instances, or `values()` and
`values_list()` of its columns), its compiler looks for an entry under a key made of everything that decides
the SQL but the parameters' values:

- the query's structure: model, joins made by its filters (each with the relation it follows and its type),
  select_related, deferred fields, columns named, ordering, slice, DISTINCT, the database alias and the
  compiler's class;
- the text of its WHERE clause, compiled on each evaluation (the cheap part: a few lookups), whose parameters
  are the query's only parameters.

A query that is not a plain model query (annotations, extra, aggregation, combinators, FOR UPDATE,
subquery, ordering by expressions) is never cached; nor one whose parameters do not all come from its WHERE
clause (checked at the first compilation: the parameters must be exactly the WHERE clause's). On a hit the
compiler takes the kept SQL, the kept column layout (what builds the instances and their related objects) and
the new WHERE parameters. Under `PARCOURS_SQL_SHAPES_VERIFY` (the test settings) every hit is compiled again
the normal way and compared, so that the whole suite checks the cache on every query it serves.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections
from django.db.models import Field, Prefetch
from django.db.models.sql.query import Query

from .kept import Kept

# Bounded: a WHERE clause with an IN list makes one shape per list length.
MAX_SHAPES = 512

_shapes = Kept(MAX_SHAPES)
_compiler_classes: dict[type, type] = {}


class ShapeMismatch(AssertionError):
    """A kept SQL differs from the normal compilation (verification mode): the cache would have been wrong."""


def fixed_shape(queryset):
    """`queryset`, its compiled SQL kept and reused when it is evaluated for model instances (module's
    docstring). The shape is what the caller builds; the parameters may differ at every call."""
    queryset = queryset._chain()
    if type(queryset.query) is Query:
        queryset.query.__class__ = FixedShapeQuery
    return queryset


def fixed_prefetches(model, *lookups: str) -> list[Prefetch]:
    """Prefetches of `model`'s relations (`lookups`, "decision__letters" through a select_related one) whose
    queries keep their compiled SQL: each lookup's last model read from the relations, not imported (a model
    of an app of a layer above)."""
    prefetches = []
    for lookup in lookups:
        target = model
        for name in lookup.split("__"):
            target = target._meta.get_field(name).related_model
        prefetches.append(Prefetch(lookup, queryset=fixed_shape(target._default_manager.all())))
    return prefetches


def read_prefetched(instance, relation: str) -> list:
    """`instance.<relation>.all()` (a reverse foreign key) read now, by one query whose SQL is kept, and left
    where `prefetch_related(relation)` leaves it: later `instance.<relation>.all()` asks no more, each object
    pointing back at `instance`. For one instance, without prefetch_related's machinery (~0.2 ms).

    The first read of a relation (per model, relation and database) goes through the ORM and keeps what it
    sent: the statement, whose only parameter must be the instance's key, and how its columns become the
    related model's fields (their converters, the attribute names). Later reads send that statement and build
    the instances directly (`Model.from_db`, as Django's ModelIterable does): ~0.2 ms less than a queryset's
    evaluation, even with its SQL kept. Under `PARCOURS_SQL_SHAPES_VERIFY` (the test settings) each direct
    read first compiles the relation's query the normal way and checks that the statement is the kept one
    (no second query: the suite's query counts stay those of production); tests/core/test_sql_shapes.py
    compares the objects built with the ORM's, field by field."""
    queryset = getattr(instance, relation).all()
    key = (type(instance), relation, queryset.db)
    kept = _relation_reads.get(key) if settings.PARCOURS_SQL_SHAPES else None
    if kept is not None:
        if settings.PARCOURS_SQL_SHAPES_VERIFY:  # the statement Django would send now is the kept one
            fresh = _capture_relation_read(_plain_compiler(queryset), instance, relation)
            if fresh is None or fresh[0] != kept[0]:
                raise ShapeMismatch(f"{type(instance).__name__}.{relation} : instruction gardée différente.")
        return store_prefetched(instance, relation, queryset, _read_kept(kept, instance, queryset.db))
    fixed = fixed_shape(queryset)
    objects = list(fixed)
    if settings.PARCOURS_SQL_SHAPES:
        captured = _capture_relation_read(_plain_compiler(queryset), instance, relation)
        if captured is not None:
            _relation_reads.put(key, captured)
    return store_prefetched(instance, relation, fixed, objects)


def _plain_compiler(queryset):
    """A compiler of `queryset` that compiles the normal way (not from a kept SQL)."""
    query = queryset.query.clone()
    query.__class__ = Query
    return query.get_compiler(using=queryset.db)


# The direct reads of one instance's reverse relation (read_prefetched), by model, relation and database.
_relation_reads = Kept(MAX_SHAPES)


def _capture_relation_read(compiler, instance, relation: str) -> tuple | None:
    """(statement, attribute names, converters by column, the foreign key) of a plain read of
    `instance.<relation>`, from a compiler of its query; None when the read is not that plain (a related
    object selected, columns that are not the model's fields in order, a parameter other than the key). A
    join its ordering makes is in the statement, sent as it is."""
    sql, params = compiler.as_sql()
    klass_info = compiler.klass_info
    foreign_key = getattr(type(instance), relation).field
    key_value = getattr(instance, foreign_key.target_field.attname)
    if (
        klass_info is None
        or klass_info.get("related_klass_infos")
        or compiler.annotation_col_map
        or tuple(params) != (key_value,)
    ):
        return None
    selected = compiler.select
    if klass_info["select_fields"] != list(range(len(selected))) or not all(
        isinstance(getattr(column[0], "target", None), Field) for column in selected
    ):
        return None
    attnames = [column[0].target.attname for column in selected]
    converters = compiler.get_converters([column[0] for column in selected])
    return sql, klass_info["model"], attnames, tuple(converters.items()), foreign_key


def _read_kept(kept: tuple, instance, using: str) -> list:
    """The objects of the kept read for `instance` (its key the statement's parameter), built as Django's
    ModelIterable builds them: each column through its converters, `Model.from_db`, the owner set."""
    sql, model, attnames, converters, foreign_key = kept
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(sql, (getattr(instance, foreign_key.target_field.attname),))
        rows = cursor.fetchall()
    objects = []
    for row in rows:
        if converters:
            row = list(row)
            for position, (functions, expression) in converters:
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
        obj = model.from_db(connection.alias, attnames, row)
        setattr(obj, foreign_key.name, instance)  # as the related manager's known related objects
        objects.append(obj)
    return objects


def store_prefetched(instance, relation: str, queryset, objects) -> list:
    """Keep `objects` as `instance.<relation>.all()`, as prefetch_related_objects does
    (django.db.models.query.prefetch_one_level): the related manager's `queryset`, its results given."""
    queryset._result_cache, queryset._prefetch_done = list(objects), True
    cache_name = getattr(instance, relation).field.remote_field.cache_name
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[cache_name] = queryset
    return queryset._result_cache


def related_exist(
    instance, *relations: str, only: dict[str, dict[str, tuple]] | None = None, also=()
) -> dict[str, bool]:
    """Whether each reverse relation of `instance` named (`pathway.transfers`...) has any row, in one
    statement of EXISTS subqueries (~0.1 ms) instead of one query per relation (~0.3 ms of Python each,
    mostly for an empty list on a pathway's file: its transfers, end reports, procedures). `only` narrows a
    relation to some values of its fields ({"prefect_decisions": {"outcome": ("refused", "ended")}}); `also`
    asks, in the same statement, of other instances' relations (`[(afis, ("suspensions",))]`; an instance
    that is None is skipped); every relation named once. Only the models' table and column names (quoted)
    are written into the text; every value is a parameter."""
    asked = [(instance, name) for name in relations]
    asked += [(other, name) for other, names in also if other is not None for name in names]
    names = [name for _, name in asked]
    if len(set(names)) != len(names):
        raise ValueError("related_exist: a relation named twice")
    connection = connections[instance._state.db or "default"]
    quote = connection.ops.quote_name
    parts, params = [], []
    for owner, name in asked:
        relation = owner._meta.get_field(name)
        model, key = relation.related_model, relation.field
        where = [f"{quote(key.column)} = %s"]
        params.append(getattr(owner, key.target_field.attname))
        for field_name, values in (only or {}).get(name, {}).items():
            where.append(
                f"{quote(model._meta.get_field(field_name).column)} IN ({', '.join(['%s'] * len(values))})"
            )
            params.extend(values)
        table = quote(model._meta.db_table)
        parts.append(f"EXISTS (SELECT 1 FROM {table} WHERE {' AND '.join(where)})")  # noqa: S608 (as below)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)  # noqa: S608 (names from the models, values bound)
        row = cursor.fetchone()
    return {name: bool(value) for name, value in zip(names, row, strict=True)}


def none_related(instance, relation: str) -> None:
    """Record that `instance.<relation>` has no row (related_exist said so): `instance.<relation>.all()` is
    then an empty list without a query, and `known_empty` tells a reader that would filter or sort it."""
    store_prefetched(instance, relation, getattr(instance, relation).all(), [])


def known_empty(instance, relation: str) -> bool:
    """Whether `instance.<relation>` is already known to have no row (read or prefetched empty)."""
    cache_name = getattr(type(instance), relation).field.remote_field.cache_name
    kept = getattr(instance, "_prefetched_objects_cache", {}).get(cache_name)
    return kept is not None and kept._result_cache == []


def clear() -> None:
    _shapes.clear()
    _relation_reads.clear()


def shapes_kept() -> int:
    return len(_shapes)


class FixedShapeQuery(Query):
    """A Query whose compiler keeps and reuses its SQL (clones keep the class: `.first()`, `[:1]`...)."""

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        compiler = super().get_compiler(using, connection, elide_empty)
        base = type(compiler)
        if base.__name__ != "SQLCompiler":  # an aggregate, insert, update or delete compiler: as is
            return compiler
        cls = _compiler_classes.get(base)
        if cls is None:
            cls = _compiler_classes[base] = type("FixedShapeCompiler", (FixedShapeCompilerMixin, base), {})
        compiler.__class__ = cls
        return compiler

    def get_count(self, using):
        """COUNT(*) of the query (a paginator's), its SQL kept as the rows' is: under the same structure and
        WHERE text, the statement Django's aggregation sends is captured once, then sent again with the new
        WHERE parameters. A list page built and compiled that aggregation at every view (~0.3 ms)."""
        if not settings.PARCOURS_SQL_SHAPES or self.is_sliced or self.distinct:
            return super().get_count(using)
        compiler = self.get_compiler(using)
        structure = _structure(self, compiler)
        if structure is None:
            return super().get_count(using)
        try:
            where_sql, where_params = compiler.compile(self.where)
        except FullResultSet:
            where_sql, where_params = "", []
        except EmptyResultSet:
            return super().get_count(using)
        key, where_params = ("count", structure, where_sql), tuple(where_params)
        kept = _shapes.get(key)
        if kept is not None and not settings.PARCOURS_SQL_SHAPES_VERIFY:
            with connections[using].cursor() as cursor:
                cursor.execute(kept[0], where_params)
                return cursor.fetchone()[0]
        sent = []

        def capture(execute, sql, params, many, context):
            sent.append((sql, tuple(params or ())))
            return execute(sql, params, many, context)

        with connections[using].execute_wrapper(capture):
            count = super().get_count(using)
        if kept is not None:  # verification mode: the kept statement is the one Django just sent
            if sent != [(kept[0], where_params)]:
                raise ShapeMismatch(f"COUNT gardé différent : {kept[0]!r} != {sent!r}")
        elif len(sent) == 1 and sent[0][1] == where_params:  # one statement, the WHERE's parameters only
            _shapes.put(key, (sent[0][0], None, None))
        return count


def _structure(query, compiler) -> tuple | None:
    """What decides the SQL of a plain model query (instances, or values of its columns) besides its WHERE
    clause; None if not such a query."""
    if (
        query.annotations
        or query.extra
        or query.extra_tables
        or query.extra_order_by
        or (query.select or not query.default_cols)
        and not query.values_select
        or query.group_by is not None
        or query.combinator
        or query.select_for_update
        or query.distinct_fields
        or query.subquery
        or query._filtered_relations
        or query.explain_info
        or not all(isinstance(name, str) for name in query.order_by)
    ):
        return None
    return (
        type(compiler),
        compiler.using,
        compiler.elide_empty,
        query.model,
        query.values_select,  # values() and values_list(): the columns named, in order
        # Each join by its identity (table, parent alias and the relation it follows: two foreign keys to one
        # table are two joins with the same alias and WHERE text) and its type (INNER or LEFT OUTER).
        tuple(
            (alias, join.identity, getattr(join, "join_type", None))
            for alias, join in query.alias_map.items()
        ),
        tuple(query.alias_refcount.items()),  # a join no longer referenced is left out of the FROM clause
        repr(query.select_related),
        query.max_depth,
        (tuple(sorted(query.deferred_loading[0])), query.deferred_loading[1]),
        tuple(query.order_by),
        query.default_ordering,
        query.standard_ordering,
        query.low_mark,
        query.high_mark,
        query.distinct,
    )


# What a compilation leaves on the compiler that building the instances reads (ModelIterable, results_iter).
LAYOUT = ("select", "klass_info", "annotation_col_map", "col_count", "has_extra_select")


class FixedShapeCompilerMixin:
    # On a reuse, the kept shape's converters of its columns, kept too: the same for every reuse of the same
    # columns on the same database (they are called with the connection in use).
    _kept_converters = None

    def get_converters(self, expressions):
        if self._kept_converters is None:
            return super().get_converters(expressions)
        key = (self.connection.alias, tuple(map(id, expressions)))
        converters = self._kept_converters.get(key)
        if converters is None:
            converters = self._kept_converters[key] = super().get_converters(expressions)
        return converters

    def as_sql(self, with_limits=True, with_col_aliases=False):
        if not with_limits or with_col_aliases or not settings.PARCOURS_SQL_SHAPES:
            return super().as_sql(with_limits, with_col_aliases)
        structure = _structure(self.query, self)
        if structure is None:
            return super().as_sql(with_limits, with_col_aliases)
        try:
            where_sql, where_params = self.compile(self.query.where)
        except FullResultSet:
            where_sql, where_params = "", []
        except EmptyResultSet:
            return super().as_sql(with_limits, with_col_aliases)
        key = (structure, where_sql)
        kept = _shapes.get(key)
        if kept is not None:
            sql, layout, self._kept_converters = kept
            params = tuple(where_params)
            if settings.PARCOURS_SQL_SHAPES_VERIFY:
                expected = super().as_sql(with_limits, with_col_aliases)
                if (sql, params) != (expected[0], tuple(expected[1])):
                    raise ShapeMismatch(f"SQL gardé différent : {sql!r} != {expected[0]!r}")
            for name, value in zip(LAYOUT, layout, strict=True):
                setattr(self, name, value)
            return sql, params
        sql, params = super().as_sql(with_limits, with_col_aliases)
        # Kept only when the WHERE clause's parameters are all of them and its text is in the SQL as compiled.
        if tuple(params) == tuple(where_params) and (not where_sql or f" WHERE {where_sql}" in sql):
            _shapes.put(key, (sql, tuple(getattr(self, name) for name in LAYOUT), {}))
        return sql, params
