"""Give the accounts created before AccountEvent existed the history their rows already tell.

Created (date_joined), invited and activated (Invitation rows), deactivated (deactivated_at/by): so the audit
trail lists every account's story, not only what happened after this migration.
"""

from django.db import migrations


def backfill(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Invitation = apps.get_model("accounts", "Invitation")
    AccountEvent = apps.get_model("accounts", "AccountEvent")
    events = []
    for user in User.objects.filter(account_events__isnull=True).iterator():
        events.append(AccountEvent(user_id=user.pk, at=user.date_joined, kind="created"))
        if user.deactivated_at:
            events.append(
                AccountEvent(user_id=user.pk, at=user.deactivated_at, by_id=user.deactivated_by_id, kind="deactivated")
            )
    for invitation in Invitation.objects.filter(user__account_events__isnull=True).iterator():
        events.append(
            AccountEvent(
                user_id=invitation.user_id, at=invitation.created_at, by_id=invitation.created_by_id, kind="invited"
            )
        )
        if invitation.accepted_at:
            events.append(
                AccountEvent(
                    user_id=invitation.user_id, at=invitation.accepted_at, by_id=invitation.user_id, kind="activated"
                )
            )
    AccountEvent.objects.bulk_create(events, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_account_events")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
