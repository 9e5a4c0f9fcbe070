"""Notifications benchmark (prints figures; not a test): one worker delivers queued messages to the folders.

    .venv/bin/python bench/notifications.py [--messages 10000] [--reservations 20]

1. `--messages` messages (half e-mails to a social worker, half SMS to consenting people, queued in pairs as a
   kit reservation queues them) are delivered by ONE `manage.py db_worker` process to the folder backends
   (EMAIL_URL=file://, SMS_URL=file://). Target (issue 23): >= 300 messages/s on SQLite.
2. The queries a kit reservation gains by queueing its messages: the same reservations with and without the
   queueing call. Target: <= 2.
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

from _setup import ROOT, accepted_referrals, django_on_scratch_sqlite, parse_args


def world(n: int):
    from stdnum import luhn

    from accounts.services import user_create
    from inventory.models import Device
    from referrals.models import Membership, Organisation
    from sites.models import Site

    site = Site.objects.create(
        code="SD",
        name="Saint-Denis",
        city="Saint-Denis",
        postal_code="93200",
        address="12 rue de la République",
        opening_hours="Mo-Fr 09:00-17:00",
    )
    mediator = user_create(username="lea", password=None, role="mediator", site=site, first_name="Léa", last_name="M")
    staff = user_create(username="karim", password=None, role="warehouse", site=site)
    organisation = Organisation.objects.create(
        name="CCAS",
        kind="ccas",
        siret="21350238800100",
        postal_code="93200",
        department="93",
        authorisation="validated",
    )
    social = user_create(username="sophie", password=None, role="social_worker", email="sophie@ccas.example.org")
    Membership.objects.create(user=social, organisation=organisation)
    referrals = accepted_referrals(
        [f"+3375600{i:04d}" for i in range(n)],
        site=site,
        organisation=organisation,
        social=social,
        connectivity="none",
        sms_consent=True,
        sms_phone=lambda phone: phone,
    )

    def imei(i: int) -> str:
        body = f"35{i:012d}"
        return body + luhn.calc_check_digit(body)

    Device.objects.bulk_create(
        [
            Device(
                asset_tag=f"SDTE26-{i:05d}",
                kind="smartphone",
                brand="Samsung",
                model="Galaxy A52",
                imei=imei(i),
                grade="B",
                status="ready",
                site=site,
                created_by=staff,
            )
            for i in range(n)
        ]
    )
    return mediator, referrals


def queries_gained(reservations: int) -> tuple[float, float]:
    """Mean queries of a reservation with its messages queued, and without (the queueing call made a no-op)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    import distribution.services.allocations as allocations
    from distribution.services import allocation_reserve

    mediator, referrals = world(2 * reservations + 1)
    allocation_reserve(user=mediator, referral=referrals[0].pk)  # warm-up: the first request's one-time reads
    counts = {True: [], False: []}
    real = allocations.kit_ready_notify
    for i, referral in enumerate(referrals[1:]):
        queueing = i % 2 == 0
        allocations.kit_ready_notify = real if queueing else (lambda allocation: None)
        with CaptureQueriesContext(connection) as captured:
            allocation_reserve(user=mediator, referral=referral.pk)
        counts[queueing].append(len(captured))
    allocations.kit_ready_notify = real
    return statistics.mean(counts[True]), statistics.mean(counts[False])


def queue(messages: int) -> None:
    from django.db import transaction

    from notifications.services import Outgoing, messages_queue

    site = {"name": "Saint-Denis", "address": "12 rue de la République, 93200 Saint-Denis", "opening_hours": ""}
    for i in range(messages // 2):
        context = {
            "referral_id": i + 1,
            "person": "Amina T.",
            "first_name": "Amina",
            "link": f"https://bagage.example.org/referrals/{i + 1}/",
            "kit": f"A-2026-{i + 1:06d}",
            "site": site,
            "hold_until": "2026-12-17",
            "pickup_at": "",
        }
        with transaction.atomic():
            messages_queue(
                [
                    Outgoing("email", "kit_ready", "sophie@ccas.example.org", context, referral_id=i + 1),
                    Outgoing("sms", "kit_ready", f"+3375600{i % 10000:04d}", context, referral_id=i + 1),
                ]
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--reservations", type=int, default=20)
    args = parse_args(parser, messages=200, reservations=4)
    scratch = django_on_scratch_sqlite()

    from django.db import connection

    from notifications.models import Message

    with_queue, without = queries_gained(args.reservations)
    print(f"reservation: {with_queue:.1f} queries with its messages queued, {without:.1f} without")
    print(f"  gained by queueing: {with_queue - without:.1f} (target <= 2)")
    Message.objects.all().delete()
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()

    started = time.perf_counter()
    queue(args.messages)
    print(f"queued {args.messages} messages in {time.perf_counter() - started:.1f} s")
    mail, sms = scratch / "mail", scratch / "sms"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{connection.settings_dict['NAME']}",
        "EMAIL_URL": f"file://{mail}",
        "SMS_URL": f"file://{sms}",
    }
    connection.close()
    started = time.perf_counter()
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--batch",
            "--no-startup-delay",
            "--no-reload",
            "--interval",
            "0",
            "--verbosity",
            "0",
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )
    elapsed = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    sent = Message.objects.filter(status="sent").count()
    files = len(list(mail.iterdir())) + len(list(sms.iterdir()))
    print(
        f"one worker: {sent} sent ({files} files) in {elapsed:.1f} s = {sent / elapsed:.0f} messages/s (target >= 300)"
        f" at load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    # On a busy machine the wall clock measures the neighbours: the worker's own CPU time says what it costs.
    print(f"  the worker's CPU time: {cpu:.1f} s = {sent / cpu:.0f} messages per CPU second (start-up included)")


if __name__ == "__main__":
    main()
