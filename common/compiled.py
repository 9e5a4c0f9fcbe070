"""A read that runs on every request, turned into SQL once per database connection and then only executed.

Building SQL from a queryset (its joins, every column of every model it selects, their converters) costs more
than the database takes to answer a one-row read by a unique index: for the API token with its user and site,
about two thirds of the lookup's time went into the ORM's compiler; for the allocation a handover locks (six
joins, the erasure's subqueries), 10 ms against the database's 0.3. `CompiledRead` compiles the queryset once
per connection, with markers where the request's values go, then sends the same SQL with that request's values
and builds the model instances, related ones included, exactly as the queryset would (Django's own populators
and converters, taken from that compilation).

The compilations are kept on the connection object, the most recently used ones: Django's connections belong
to a thread, and so do the converters compiled for one (SQLite's are methods bound to it). Kept beside it, say in
a mapping weakly keyed by the connection, those converters would keep it alive: every finished thread's
connection (runserver serves each request in a new one), and with CONN_MAX_AGE its open database files, forever.
A queryset whose SQL depends on anything but the marked values and the shape given with them (the time, the
settings) must not use it.
"""

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators
from django.db.transaction import TransactionManagementError

# The attribute of a connection that holds its compilations, by CompiledRead, its values' types and shape.
_ATTRIBUTE = "_bagage_compiled_reads"
# Compilations kept per connection, the most recently used: a shape may name a user (a scope), and there are few
# reads but many users.
KEPT_PER_CONNECTION = 256
# What stands for a value while compiling: nothing a caller sends (text with NUL bytes; integers no key reaches,
# inside a 32-bit column's range so that no lookup treats them as out of range).
_MARKERS = {
    str: lambda i: f"\x00compiled-read-marker-{i}\x00",
    int: lambda i: -2_146_000_000 - i,
}
# The integers a column can hold (64 bits): a value beyond is the queryset's to answer (Django drops an out-of-range
# lookup: None, without a query); sent, SQLite's driver cannot bind it (OverflowError, a 500).
_INTEGERS = range(-(2**63), 2**63)
# A read that compiles to no SQL: the queryset matches nothing (`.none()`, an empty scope), or a marker is outside a
# column's range (a positive field on PostgreSQL) and Django dropped the lookup. Either way the queryset itself
# answers every call with its values (no query for `.none()`), never a None kept for all values.
_AS_QUERYSET = object()


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    slots: tuple[int, ...]
    model: type[Model]
    init_list: list[str]
    start: int
    end: int
    populators: list
    converters: dict
    annotations: tuple[tuple[str, int], ...]
    locks: bool
    width: int  # columns in a row
    # The row's columns as `first_alongside` names them: the model's own by their attnames, the others by place.
    names: str


class CompiledRead:
    """`build(*markers, **context)` returns the queryset, each marker standing for a value given to `first()`.

    Values are text or integers (a digest, a code, a primary key), each marker appearing once among the query's
    parameters. Anything else the SQL depends on comes as `context` (a user whose scope filters the rows, a
    flag), and `shape` must tell apart every context that builds other SQL: the compilation is kept per
    (read, values' types, shape), and reused for any context of the same shape. A read that locks its rows
    (`select_for_update`) runs inside a transaction only, as the queryset would.
    """

    def __init__(self, build: Callable[..., QuerySet], *, arity: int = 1, using: str = DEFAULT_DB_ALIAS):
        self._build = build
        self._arity = arity
        self._using = using

    def _compile(self, connection, kinds: tuple[type, ...], context: dict):
        markers = [_MARKERS[kind](i) for i, kind in enumerate(kinds)]
        queryset = self._build(*markers, **context)
        compiler = queryset.query.get_compiler(connection=connection)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return _AS_QUERYSET
        params = tuple(params)
        slots = []
        for marker in markers:
            found = [i for i, param in enumerate(params) if type(param) is type(marker) and param == marker]
            if len(found) != 1:
                raise ValueError(f"CompiledRead: each marker must appear once among the parameters: {params!r}")
            slots.append(found[0])
        klass_info, select = compiler.klass_info, compiler.select
        if queryset._known_related_objects or queryset._prefetch_related_lookups:
            raise ValueError("CompiledRead: model instances with their select_related objects only")
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        init_list = [column[0].target.attname for column in select[start:end]]
        own = dict(zip(range(start, end), init_list, strict=True))
        quote = connection.ops.quote_name
        return _Compiled(
            sql=sql,
            params=params,
            slots=tuple(slots),
            model=klass_info["model"],
            init_list=init_list,
            start=start,
            end=end,
            populators=get_related_populators(klass_info, select, self._using),
            converters=compiler.get_converters([column[0] for column in select[: compiler.col_count]]),
            annotations=tuple(compiler.annotation_col_map.items()),
            locks=bool(queryset.query.select_for_update and connection.features.has_select_for_update),
            width=compiler.col_count,
            names=", ".join(quote(own.get(i, f"bagage_{i}")) for i in range(compiler.col_count)),
        )

    def _by_queryset(self, values: tuple, context: dict) -> Model | None:
        """What the queryset itself answers for these values: its first row, as `first()` would give it."""
        return next(iter(self._build(*values, **context)[:1]), None)

    def _prepared(self, connection, values: tuple, shape: tuple, context: dict):
        """The compilation for these values and their parameters, or None where the queryset answers itself."""
        if len(values) != self._arity:
            raise TypeError(f"CompiledRead: {self._arity} value(s) expected, {len(values)} given")
        kinds = tuple(type(value) for value in values)
        if any(kind not in _MARKERS for kind in kinds):
            raise TypeError(f"CompiledRead: values are text or integers, not {kinds!r}")
        if any(kind is int and value not in _INTEGERS for kind, value in zip(kinds, values, strict=True)):
            return None
        kept = connection.__dict__.setdefault(_ATTRIBUTE, OrderedDict())
        key = (self, kinds, shape)
        compiled = kept.get(key)
        if compiled is None:
            compiled = kept[key] = self._compile(connection, kinds, context)
            while len(kept) > KEPT_PER_CONNECTION:
                kept.popitem(last=False)
        else:
            kept.move_to_end(key)
        if compiled is _AS_QUERYSET:
            return None
        if compiled.locks and connection.get_autocommit():
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        params = list(compiled.params)
        for slot, value in zip(compiled.slots, values, strict=True):
            params[slot] = value
        return compiled, params

    def _instance(self, connection, compiled: _Compiled, row) -> Model:
        if compiled.converters:
            row = list(row)
            for position, (converters, expression) in compiled.converters.items():
                value = row[position]
                for converter in converters:
                    value = converter(value, expression, connection)
                row[position] = value
        instance = compiled.model.from_db(self._using, compiled.init_list, row[compiled.start : compiled.end])
        for populator in compiled.populators:
            populator.populate(row, instance)
        for name, position in compiled.annotations:
            setattr(instance, name, row[position])
        return instance

    def first(self, *values, shape: tuple = (), **context) -> Model | None:
        """The first row's instance for these values (in the queryset's order), or None."""
        connection = connections[self._using]
        return self._run(connection, self._prepared(connection, values, shape, context), values, context)

    def _run(self, connection, prepared, values: tuple, context: dict) -> Model | None:
        """Run a read prepared by `_prepared` on its own (or ask the queryset, where it answers itself)."""
        if prepared is None:
            return self._by_queryset(values, context)
        compiled, params = prepared
        with connection.cursor() as cursor:
            execute_prepared(cursor, compiled.sql, params)
            row = cursor.fetchone()
        return None if row is None else self._instance(connection, compiled, row)

    def first_alongside(
        self, *values, alongside: "Alongside", shape: tuple = (), **context
    ) -> tuple[Model | None, list[tuple] | None]:
        """`first()`, and a data-modifying statement over the row it finds (that row only) run in the same
        statement: one round trip where there were two (PostgreSQL's WITH … INSERT … RETURNING). Returns the
        instance and the rows `alongside` returned (`[]` when the read found nothing), or the instance and None
        where the database cannot (SQLite, whose WITH holds no INSERT; a read that locks its rows, or that its
        queryset answers itself): the caller then runs its statement on its own."""
        connection = connections[self._using]
        prepared = self._prepared(connection, values, shape, context)
        if prepared is None or prepared[0].locks or connection.vendor != "postgresql":
            return self._run(connection, prepared, values, context), None
        compiled, params = prepared
        sql = (
            f"WITH {ALONGSIDE_FOUND} AS (SELECT * FROM ({compiled.sql}) AS bagage_read ({compiled.names}) LIMIT 1), "
            f"bagage_alongside AS ({alongside.sql}) "
            f"SELECT * FROM {ALONGSIDE_FOUND} LEFT JOIN bagage_alongside ON TRUE"
        )
        with connection.cursor() as cursor:
            execute_prepared(cursor, sql, [*params, *alongside.params])
            found = cursor.fetchall()
        if not found:
            return None, []
        width = compiled.width
        # LEFT JOIN: a row of NULLs when `alongside` returned nothing.
        rows = [row[width:] for row in found if any(value is not None for value in row[width:])]
        return self._instance(connection, compiled, found[0][:width]), rows

    def call(self, *values, shape: tuple = (), **context) -> "Call":
        """This read with these values, to run beside others in one round trip (`first_of_each`)."""
        return Call(self, values, shape, context)


# What `Alongside.sql` calls the row the read found.
ALONGSIDE_FOUND = "bagage_found"


@dataclass(frozen=True)
class Alongside:
    """A data-modifying statement (`INSERT … SELECT … FROM bagage_found … RETURNING …`) to run with a read, over
    the row it finds (`CompiledRead.first_alongside`): `bagage_found` names the read's model's columns by their
    attnames, the related models' ones `bagage_<place>`. Its parameters come after the read's."""

    sql: str
    params: tuple = ()


@dataclass(frozen=True)
class Call:
    read: CompiledRead
    values: tuple
    shape: tuple
    context: dict

    def first(self) -> Model | None:
        return self.read.first(*self.values, shape=self.shape, **self.context)


def first_of_each(*calls: Call | None) -> list[Model | None]:
    """The first row of each read (None for a None call), in one statement: each read's SQL as a subquery, each
    outer-joined to one row, so that a read that finds nothing gives NULLs (its None) beside the others' rows.

    For independent reads that a step needs together (a kit's device and its SIM card): one round trip instead of
    one per read. A read that locks its rows, or that its queryset answers itself, runs on its own (PostgreSQL
    locks no row on the nullable side of an outer join).
    """
    found = iter(_first_rows([call for call in calls if call is not None]))
    return [None if call is None else next(found) for call in calls]


def _first_rows(wanted: list[Call]) -> list[Model | None]:
    if not wanted:
        return []
    if any(call.read._using != wanted[0].read._using for call in wanted):  # other databases: each on its own
        return [call.first() for call in wanted]
    connection = connections[wanted[0].read._using]
    prepared = [call.read._prepared(connection, call.values, call.shape, call.context) for call in wanted]
    if len(wanted) == 1 or any(p is None or p[0].locks for p in prepared):
        return [
            call.read._run(connection, p, call.values, call.context) for p, call in zip(prepared, wanted, strict=True)
        ]
    joined = " ".join(
        f"LEFT JOIN ({compiled.sql}) AS read{i} ON 1 = 1" for i, (compiled, _params) in enumerate(prepared)
    )
    sql = f"SELECT * FROM (SELECT 1 AS one) AS one {joined}"
    with connection.cursor() as cursor:
        execute_prepared(cursor, sql, [param for _compiled, params in prepared for param in params])
        row = cursor.fetchone()
    found, offset = [], 1
    for call, (compiled, _params) in zip(wanted, prepared, strict=True):
        part = row[offset : offset + compiled.width]
        offset += compiled.width
        pk = compiled.start + compiled.init_list.index(compiled.model._meta.pk.attname)
        found.append(None if part[pk] is None else call.read._instance(connection, compiled, part))
    assert offset == len(row), "first_of_each: each read's columns, and only them"
    return found


def execute_prepared(cursor, sql: str, params) -> None:
    """Run SQL built once (CompiledRead, api.pagination's pages) as a statement prepared on the server, where the
    database binds parameters itself (PostgreSQL with `server_side_binding`, config.settings): parsed and planned
    once per connection, then only executed. Only these statements: everything else keeps a plan made for its
    values (a report's date range planned in general ran twice as slow). Elsewhere, a plain execute.

    Through Django's cursor, so that the query is counted and logged as any other.
    """
    raw = getattr(cursor.db, "connection", None)
    if cursor.db.vendor != "postgresql" or not cursor.db.settings_dict.get("OPTIONS", {}).get("server_side_binding"):
        cursor.execute(sql, params)
        return
    threshold = raw.prepare_threshold
    raw.prepare_threshold = 0  # prepared at its first run (psycopg keeps it), used at every later one
    try:
        cursor.execute(sql, params)
    finally:
        raw.prepare_threshold = threshold
