from django.core.management.base import BaseCommand

from inventory.services import line_items_expire


class Command(BaseCommand):
    help = "Mark SIM cards and vouchers past their date as expired (run daily; safe to run again)."

    def handle(self, *args, **options):
        self.stdout.write(f"Expired {line_items_expire()} SIM cards or vouchers.")
