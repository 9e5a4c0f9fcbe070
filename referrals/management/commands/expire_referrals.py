from django.core.management.base import BaseCommand

from referrals.services import referrals_expire


class Command(BaseCommand):
    help = "Expire referrals left without an answer too long (run daily; safe to run again)."

    def handle(self, *args, **options):
        self.stdout.write(f"Expired {referrals_expire()} referrals.")
