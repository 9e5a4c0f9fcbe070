"""A read that runs on every request, turned into SQL once per database connection and then only executed.

Building SQL from a queryset (its joins, every column of every model it selects, their converters) costs more
than the database takes to answer a one-row read by a unique index: for the API token with its user and site,
about two thirds of the lookup's time went into the ORM's compiler. `CompiledRead` compiles the queryset once
per connection, with markers where the request's values go, then sends the same SQL with that request's values
and builds the model instances, related ones included, exactly as the queryset would (Django's own populators
and converters, taken from that compilation).

One entry per connection object, kept on that object: Django's connections belong to a thread, and so do the
converters compiled for one (SQLite's are methods bound to it). Kept beside it, say in a mapping weakly keyed by
the connection, those converters would keep it alive: every finished thread's connection (runserver serves each
request in a new one), and with CONN_MAX_AGE its open database files, forever. A queryset whose SQL depends on
anything but the marked values (the time, the settings) must not use it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

# The attribute of a connection that holds its compilations, by CompiledRead.
_ATTRIBUTE = "_bagage_compiled_reads"


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


class CompiledRead:
    """`build(*markers)` returns the queryset, each marker standing for a value given to `first()`.

    Markers are strings: use it on lookups of text fields (a digest, a code), each marker appearing once among the
    query's parameters.
    """

    def __init__(self, build: Callable[..., QuerySet], *, arity: int = 1, using: str = DEFAULT_DB_ALIAS):
        self._build = build
        self._arity = arity
        self._using = using

    def _compile(self, connection) -> _Compiled:
        markers = [f"\x00compiled-read-marker-{i}\x00" for i in range(self._arity)]
        queryset = self._build(*markers)
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        params = tuple(params)
        slots = []
        for marker in markers:
            found = [i for i, param in enumerate(params) if param == marker]
            if len(found) != 1:
                raise ValueError(f"CompiledRead: each marker must appear once among the parameters: {params!r}")
            slots.append(found[0])
        klass_info, select = compiler.klass_info, compiler.select
        if compiler.annotation_col_map or queryset._known_related_objects or queryset._prefetch_related_lookups:
            raise ValueError("CompiledRead: model instances with their select_related objects only")
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        compiled = _Compiled(
            sql=sql,
            params=params,
            slots=tuple(slots),
            model=klass_info["model"],
            init_list=[column[0].target.attname for column in select[start:end]],
            start=start,
            end=end,
            populators=get_related_populators(klass_info, select, self._using),
            converters=compiler.get_converters([column[0] for column in select[: compiler.col_count]]),
        )
        connection.__dict__.setdefault(_ATTRIBUTE, {})[self] = compiled
        return compiled

    def first(self, *values) -> Model | None:
        """The first row's instance for these values (in the queryset's order), or None."""
        connection = connections[self._using]
        compiled = connection.__dict__.get(_ATTRIBUTE, {}).get(self) or self._compile(connection)
        params = list(compiled.params)
        for slot, value in zip(compiled.slots, values, strict=True):
            params[slot] = value
        with connection.cursor() as cursor:
            execute_prepared(cursor, compiled.sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
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
        return instance


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
