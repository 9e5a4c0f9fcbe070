"""Delete the API's short-lived rows past their time: rate counters and idempotency keys.

None of them is a record anyone accounts for: a counter of an earlier minute counts nothing, an idempotency key
answers retries for a day
(api.idempotency.LIFETIME). Without this they only pile up, one row per address, token or retried write.
Run it daily; running it twice does nothing more.
"""

import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from api.idempotency import LIFETIME
from api.models import IdempotencyRecord, RateCounter


class Command(BaseCommand):
    help = "Delete rate counters and idempotency keys past their time."

    def handle(self, *args, **options):
        now = timezone.now()
        counters, _ = RateCounter.objects.filter(stale_after__lt=int(time.time())).delete()
        keys, _ = IdempotencyRecord.objects.filter(created_at__lt=now - LIFETIME).delete()
        self.stdout.write(f"Deleted {counters} rate counter(s), {keys} idempotency key(s).")
