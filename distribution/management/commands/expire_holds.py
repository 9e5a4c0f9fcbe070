from django.core.management.base import BaseCommand

from distribution.messaging import reminders_queue
from distribution.services import holds_expire


class Command(BaseCommand):
    help = (
        "Release kits held past their date; a second missed pickup is a no-show; queue the day's SMS reminders "
        "(safe from cron, idempotent)."
    )

    def handle(self, *args, **options):
        counts = holds_expire()
        self.stdout.write(
            f"Released {counts['released']} holds: {counts['back_to_accepted']} referrals wait again, "
            f"{counts['no_show']} no-shows."
        )
        # The SMS reminders due today (two days before a hold ends, the day before an appointment): queued once.
        self.stdout.write(f"Queued {reminders_queue()} reminders.")
