"""A database constraint is the guarantee; its violation becomes the domain's 409, in one place.

Services check uniqueness in Python first, as a courtesy with a precise message; two requests
at the same instant both pass that check, and the database refuses the second insert. Every
service runs inside `atomic()` below, which turns that `IntegrityError` into a `Conflict`
carrying the constraint's own `violation_error_code` and message (declared on the model, next
to the constraint), so the losing request gets the documented 409, never a 500.
"""

import contextvars
import functools
import re
from collections.abc import Callable
from typing import Any, TypeVar

from django.apps import apps
from django.db import IntegrityError, models, transaction

from common.exceptions import Conflict

F = TypeVar("F", bound=Callable[..., Any])
# How many services deep the current call is: only the outermost one opens a savepoint.
_service_depth: contextvars.ContextVar[int] = contextvars.ContextVar("service_depth", default=0)
SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (?:index '(?P<index>[^']+)'|(?P<columns>.+))")


@functools.cache
def _unique_constraints() -> dict[str, models.UniqueConstraint | tuple[str, str]]:
    """Every unique constraint of every model, by name and by the "table.column, …" SQLite reports."""
    found: dict[str, Any] = {}
    for model in apps.get_models():
        table = model._meta.db_table
        for constraint in model._meta.constraints:
            if isinstance(constraint, models.UniqueConstraint):
                found[constraint.name] = constraint
                if constraint.fields:
                    columns = [model._meta.get_field(name).column for name in constraint.fields]
                    found[", ".join(f"{table}.{column}" for column in columns)] = constraint
        for field in model._meta.local_fields:
            if field.unique and not field.primary_key:
                # Field-level unique=True: PostgreSQL names it table_column_key, SQLite gives table.column.
                found[f"{table}_{field.column}_key"] = (model._meta.label, field.name)
                found[f"{table}.{field.column}"] = (model._meta.label, field.name)
    return found


def constraint_of(exc: IntegrityError) -> str | None:
    """The name (or SQLite's column list) of the unique constraint an IntegrityError violated."""
    diag = getattr(exc.__cause__, "diag", None)
    if diag is not None and getattr(diag, "constraint_name", None):
        return diag.constraint_name
    match = SQLITE_UNIQUE.search(str(exc))
    if match:
        return match.group("index") or match.group("columns").strip()
    return None


def conflict_from(exc: IntegrityError) -> Conflict | None:
    """The Conflict a unique violation stands for, or None for another kind of integrity error."""
    key = constraint_of(exc)
    if key is None:
        return None
    constraint = _unique_constraints().get(key)
    if isinstance(constraint, models.UniqueConstraint):
        code = constraint.violation_error_code or "conflict"
        message = str(constraint.violation_error_message or "")
        if not message or "%(" in message:
            message = "Another request has just recorded the same thing."
        return Conflict(message, code, constraint=constraint.name)
    if constraint is not None:
        label, field_name = constraint
        return Conflict(f"This {field_name} is taken already.", f"duplicate_{field_name}", constraint=key)
    return None


def atomic(func: F) -> F:
    """`transaction.atomic`, with a unique violation raised as the domain's Conflict (409).

    A service called by another service joins its transaction without a savepoint: any error
    inside it aborts the whole outer service, which is what every caller here wants (none goes
    on writing after a failed inner service), and the two queries of a savepoint are saved.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        depth = _service_depth.get()
        token = _service_depth.set(depth + 1)
        try:
            with transaction.atomic(savepoint=depth == 0):
                return func(*args, **kwargs)
        except IntegrityError as exc:
            conflict = conflict_from(exc)
            if conflict is None:
                raise
            raise conflict from exc
        finally:
            _service_depth.reset(token)

    return wrapper  # type: ignore[return-value]


def mark_locked(obj: Any) -> Any:
    """Note on a model instance just read with `select_for_update()` that this atomic block holds its row's lock.

    A service handed such an instance by its caller (a referral the reservation locked, say) moves it without
    locking and reading it again: `holds_lock(obj)` tells it so, as long as the block that locked it is open.
    """
    from django.db import connection

    blocks = connection.atomic_blocks
    obj._locked_by = blocks[-1] if blocks else None
    return obj


def holds_lock(obj: Any) -> bool:
    """Whether `obj` was marked locked (`mark_locked`) by an atomic block still open: its row is still ours."""
    from django.db import connection

    block = getattr(obj, "_locked_by", None)
    return block is not None and any(open_block is block for open_block in connection.atomic_blocks)
