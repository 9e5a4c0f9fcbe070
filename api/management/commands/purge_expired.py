"""Delete the API's short-lived rows past their time: rate counters, token-throttle windows, idempotency keys.

None of them is a record anyone accounts for: a counter of an earlier minute counts nothing, a token-throttle
window older than its period holds no request that still counts, an idempotency key answers retries for a day
(api.idempotency.LIFETIME). Without this they only pile up, one row per address, token or retried write.
Run it daily; running it twice does nothing more.
"""

import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from api.idempotency import LIFETIME
from api.models import IdempotencyRecord, RateCounter, ThrottleBucket

# The token throttle's longest window (settings.BAGAGE_TOKEN_RATE is per minute): a day covers any rate set.
THROTTLE_WINDOW_KEPT = LIFETIME


class Command(BaseCommand):
    help = "Delete rate counters, token-throttle windows and idempotency keys past their time."

    def handle(self, *args, **options):
        now = timezone.now()
        counters, _ = RateCounter.objects.filter(stale_after__lt=int(time.time())).delete()
        windows, _ = ThrottleBucket.objects.filter(updated_at__lt=now - THROTTLE_WINDOW_KEPT).delete()
        keys, _ = IdempotencyRecord.objects.filter(created_at__lt=now - LIFETIME).delete()
        self.stdout.write(
            f"Deleted {counters} rate counter(s), {windows} token-throttle window(s), {keys} idempotency key(s)."
        )
