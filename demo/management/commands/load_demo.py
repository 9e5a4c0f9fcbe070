from django.core.management.base import BaseCommand

from demo import accounts, distribution, messages, referrals, stock


class Command(BaseCommand):
    help = "Load the demo sites, partner organisations, accounts and stock. Safe to run twice."

    def handle(self, *args, **options):
        sites = accounts.load_sites()
        organisations = accounts.load_organisations()
        users = accounts.load_accounts(sites, organisations)
        stock_counts = stock.load_stock(sites, users)
        referral_count = referrals.load_referrals(sites, users)
        kits = distribution.load_distribution(users)
        sent = messages.deliver_earlier_messages()
        appointments = distribution.load_appointments(users)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(sites)} sites, {len(organisations)} organisations, {len(users)} accounts, "
                f"{stock_counts['devices']} new devices, {stock_counts['line_items']} new SIM cards and vouchers, "
                f"{referral_count} new referrals, {kits['held']} kits on the shelf, {kits['handed_over']} handed over "
                f"with receipts, {kits['returns']} returns, {kits['topups']} top-ups, "
                f"{appointments} pickup appointments, {sent} earlier messages delivered into var/demo-outbox "
                f"(password {accounts.DEMO_PASSWORD!r})."
            )
        )
