from django.core.management.base import BaseCommand

from inventory.services import line_items_expire
from referrals.services import referrals_expire


class Command(BaseCommand):
    help = "Expire referrals left without an answer and SIM cards or vouchers past their date (run daily)."

    def handle(self, *args, **options):
        referrals = referrals_expire()
        items = line_items_expire()
        self.stdout.write(f"Expired {referrals} referrals and {items} SIM cards or vouchers.")
