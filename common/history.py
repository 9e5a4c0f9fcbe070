"""History rows are written once and never changed nor deleted: the audit trail is append-only.

A model that keeps history inherits `AppendOnly` (before models.Model): saving a row that is already stored
and deleting one raise `HistoryIsAppendOnly`. Bulk `QuerySet.update()`/`delete()` do not call these methods;
no service uses them on history, and the audit page reads what the rows say.
"""


class HistoryIsAppendOnly(Exception):
    """A history row was about to be changed or deleted."""


class AppendOnly:
    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise HistoryIsAppendOnly(f"{type(self).__name__} {self.pk} is history: it cannot be changed.")
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise HistoryIsAppendOnly(f"{type(self).__name__} {self.pk} is history: it cannot be deleted.")
