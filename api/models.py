from django.db import models
from django.utils import timezone


class IdempotencyRecord(models.Model):
    """The first answer to a write sent with an `Idempotency-Key`, replayed when the client retries.

    Keys belong to one client (a digest of its token or session) and last a day.
    """

    client = models.CharField(max_length=64)
    key = models.CharField(max_length=200)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300)
    request_sha256 = models.CharField(max_length=64)
    # Empty while the first request is still being answered.
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(default=b"")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client", "key"],
                name="idempotency_key_unique",
                violation_error_code="idempotency_key_in_use",
                violation_error_message="A request with this Idempotency-Key is being answered; retry in a moment.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.method} {self.path} → {self.status}"


class RateCounter(models.Model):
    """How many API requests one client (a token, a signed-in user or an address) made in the current and the
    previous slot of its limit's period: the two numbers of a sliding-window counter (api.throttling.ApiRateThrottle).

    One row per client, updated by one atomic upsert per request, so every worker counts on the same row. On
    PostgreSQL the table is UNLOGGED (migration 0003): counts need no crash safety, and a request that only
    bumps a counter then commits without waiting for the disk.
    """

    key = models.CharField(max_length=200, primary_key=True)
    # The slot's number: Unix time // the period's seconds.
    slot = models.BigIntegerField()
    hits = models.PositiveIntegerField()
    previous = models.PositiveIntegerField()
    # Unix time after which the row counts nothing any more (the end of the next slot): `purge_expired` deletes it.
    stale_after = models.BigIntegerField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.hits} (+{self.previous} before)"
