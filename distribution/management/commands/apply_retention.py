"""Apply BAGAGE_RETENTION. It lives in distribution, the top-most domain it changes: picking who is due
after their last handover needs handovers, and referrals may not import distribution (STYLE.md)."""

from django.core.management.base import BaseCommand

from distribution.services import retention_apply, retention_due

LABELS = {
    "beneficiaries_after_handover": "people anonymised after their last handover",
    "closed_referrals": "people anonymised after a referral closed without a kit",
    "access_log_entries": "access-log entries deleted",
    "receipts": "receipt PDFs deleted after their legal period",
}


class Command(BaseCommand):
    help = (
        "Anonymise or delete the personal data past its retention period (BAGAGE_RETENTION) and say how much. "
        "Statistics are kept. Safe from cron: what is done is not done twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what is due; change nothing.")

    def handle(self, *args, **options):
        dry_run = options["dry_run"]
        counts = retention_due() if dry_run else retention_apply()
        self.stdout.write("Due (dry run, nothing changed):" if dry_run else "Retention applied:")
        for key, label in LABELS.items():
            self.stdout.write(f"  {counts[key]} {label}")
