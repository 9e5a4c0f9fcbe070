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
