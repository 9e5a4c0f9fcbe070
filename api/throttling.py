"""A request throttle whose count cannot be raced: one locked database row per client and scope.

django-ninja's `SimpleRateThrottle` reads the history from the cache, decides, then writes it back; two
workers answering at once both read the same history and both let their request through (13 of 20
concurrent requests passed a limit of 10). Here the read-decide-write happens inside a transaction
that holds the bucket's row: `SELECT ... FOR UPDATE` on PostgreSQL; on SQLite the IMMEDIATE
transaction (settings.DATABASES) already takes the database's write lock at BEGIN.
"""

import threading

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja.throttling import AnonRateThrottle

from api.models import ThrottleBucket


class AtomicAnonRateThrottle(AnonRateThrottle):
    """At most `rate` requests per address in any sliding window, counted atomically across workers."""

    def __init__(self, rate: str | None = None, scope: str = "anon"):
        super().__init__(rate)
        self.scope = scope
        # One instance serves every request of its operation, on every thread: keep per-request state apart.
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        key = self.get_cache_key(request)
        self._local.wait = None
        if key is None or self.num_requests is None or self.duration is None:
            return True
        now = self.timer()
        # The row must exist to be locked; a concurrent first request may have created it already.
        ThrottleBucket.objects.bulk_create([ThrottleBucket(key=key)], ignore_conflicts=True)
        with transaction.atomic():
            bucket = ThrottleBucket.objects.select_for_update().get(key=key)
            hits = [t for t in bucket.hits if t > now - self.duration]
            if len(hits) >= self.num_requests:
                self._local.wait = max(hits[-1] + self.duration - now, 1.0)
                allowed = False
            else:
                hits.insert(0, now)
                allowed = True
            bucket.hits = hits
            bucket.updated_at = timezone.now()
            bucket.save(update_fields=["hits", "updated_at"])
        return allowed

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)
