"""bench/load.py --scale: a page's cost at 10,000 devices and at 1,000,000 (and 300,000 referrals).

Single requests, one at a time, to the running gunicorn (median of --repeat after a warm-up); then the big
load is added with plain SQL (INSERT … SELECT generate_series: a few hundred thousand rows a second) and
ANALYZE, and the same requests are timed again. Target: each within 1.5x. EXPLAIN of the queries behind each
read is printed at the large size, to see which index answers.
"""

import statistics
import time
import urllib.request

SMALL_LABEL = "small"


def reads(tag: str, serial: str) -> dict[str, str]:
    return {
        "devices list": "/api/v1/devices?page_size=50",
        "devices filtered": "/api/v1/devices?page_size=50&status=ready&kind=laptop",
        "devices search": "/api/v1/devices?page_size=50&q=thinkpad",
        # The tag's number: a handful of devices share it, old and new. (The first tag's 0000001 would not do:
        # a run of zeros is one trigram, which every tag holds, and measures the index's worst case instead.)
        "devices search rare": f"/api/v1/devices?page_size=50&q={tag[-7:]}",
        "scan asset tag": f"/api/v1/scan/{tag}",
        "scan serial": f"/api/v1/scan/{serial}",
        "referrals list": "/api/v1/referrals",
        "referrals search": "/api/v1/referrals?q=Jeanne",
    }


def time_reads(base: str, token: str, paths: dict[str, str], repeat: int) -> dict[str, float]:
    headers = {"Authorization": f"Bearer {token}"}
    medians = {}
    for name, path in paths.items():
        durations = []
        for n in range(repeat + 3):
            request = urllib.request.Request(base + path, headers=headers)
            began = time.perf_counter()
            with urllib.request.urlopen(request, timeout=60) as answer:
                answer.read()
                status = answer.status
            if status != 200:
                raise SystemExit(f"{name}: {status}")
            if n >= 3:  # warm-up: every worker's connection and caches
                durations.append(time.perf_counter() - began)
        medians[name] = statistics.median(durations) * 1000
    return medians


def big_load(devices: int, referrals: int) -> float:
    """Devices, beneficiaries and referrals in bulk, with SQL: handed-over history, as years pile up."""
    from django.db import connection

    from accounts.models import User
    from referrals.models import Organisation
    from sites.models import Site

    site = Site.objects.get(code="SD")
    staff = User.objects.get(username="warehouse")
    social = User.objects.get(username="social_worker")
    organisation = Organisation.objects.filter(memberships__user=social).get()
    from load import current_notice_version

    version = current_notice_version()
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO inventory_device (asset_tag, kind, brand, model, serial_number, imei, imei2, ram_gb,
                storage_gb, storage_type, cpu, cpu_mark, os, battery_health_pct, grade, status, site_id, location,
                batch_id, notes, created_by_id, created_at, updated_at)
            SELECT 'SDBG' || lpad(i::text, 8, '0'),
                   (ARRAY['smartphone', 'laptop', 'tablet'])[1 + mod(i, 3)],
                   (ARRAY['Samsung', 'Lenovo', 'Apple', 'Dell'])[1 + mod(i, 4)],
                   (ARRAY['Galaxy A52', 'ThinkPad T480', 'iPad 7', 'Latitude 5490'])[1 + mod(i, 4)],
                   'BG' || lpad(i::text, 10, '0'), NULL, NULL, NULL, NULL, '', '', NULL, '', NULL, 'B',
                   (ARRAY['handed_over', 'handed_over', 'handed_over', 'recycled'])[1 + mod(i, 4)],
                   %s, '', NULL, '', %s, now() - (i || ' minutes')::interval, now()
            FROM generate_series(1, %s) AS i
            """,
            [site.pk, staff.pk, devices],
        )
        cursor.execute(
            """
            INSERT INTO referrals_beneficiary (first_name, last_name, phone, email, postal_code, birth_year,
                language, accessibility_needs, eligibility, eligibility_note, consent_given_at,
                consent_recorded_by_id, consent_version, identity_key, phone_key)
            SELECT first_name, last_name, '+3376' || lpad(i::text, 7, '0'),
                   '', '93200', 1950 + mod(i, 50), 'fr', '', '["rsa"]', '', now(), %s, %s,
                   -- referrals.validators.identity_key, for names of plain ASCII letters (bench/_setup.surname)
                   lower(last_name) || '|' || lower(first_name) || '|' || (1950 + mod(i, 50)) || '|93200',
                   '+3376' || lpad(i::text, 7, '0')
            FROM generate_series(1, %s) AS i,
                 LATERAL (SELECT (ARRAY['Amina', 'Lucas', 'Nour', 'Jeanne'])[1 + mod(i, 4)] AS first_name,
                                 'Big' || translate(i::text, '0123456789', 'abcdefghij') AS last_name) AS names
            """,
            [social.pk, version, referrals],
        )
        cursor.execute(
            """
            INSERT INTO referrals_referral (beneficiary_id, organisation_id, social_worker_id, site_id, device_kinds,
                connectivity, accessories, reason, urgency, urgency_justification, notes, status, decision_reason,
                submitted_at, status_changed_at, updated_at)
            SELECT b.id, %s, %s, %s, '["smartphone"]', 'sim', '[]', 'administrative', 'normal', '', '',
                   'handed_over', '', now() - interval '400 days', now() - interval '300 days', now()
            FROM referrals_beneficiary b WHERE b.last_name LIKE 'Big%%'
            """,
            [organisation.pk, social.pk, site.pk],
        )
        cursor.execute("ANALYZE")
    return time.perf_counter() - began


def explain(paths: dict[str, str], token_user) -> None:
    """The plans of the list and search queries, as the selectors build them."""
    from django.db import connection

    from inventory import selectors as stock
    from referrals import selectors as people

    queries = {
        "devices list": stock.device_list(),
        "devices filtered": stock.device_list(status="ready", kind="laptop"),
        "devices search": stock.device_list(q="thinkpad"),
        "referrals list": people.referral_list(token_user),
        "referrals search": people.referral_list(token_user, q="Jeanne"),
    }
    rows = {"devices": stock.device_rows, "referrals": people.referral_rows}
    for name, queryset in queries.items():
        # As api.pagination.PageNumber reads them: the page as rows, the count of the list's own queryset.
        page = rows[name.split()[0]](queryset)[:50]
        for label, sql_of in (("page", page), ("count", queryset.order_by().values("pk")[:1001])):
            sql, params = sql_of.query.sql_with_params()
            if label == "count":
                sql = f"SELECT COUNT(*) FROM ({sql}) AS subquery"
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) {sql}", params)
                plan = [row[0] for row in cursor.fetchall()]
            print(f"\n  EXPLAIN {name} ({label}):")
            for line in plan[:14]:
                print(f"    {line}")


def scale_mode(args, server) -> None:
    from django.db import connection
    from load import issue_tokens

    from accounts.models import User
    from inventory.models import Device

    token = issue_tokens(1)[0]
    mediator = User.objects.get(username="mediator")
    # A device in the middle of the small load (--quick loads fewer than 4,243).
    device = Device.objects.get(asset_tag=f"SDLD26-{min(4242, args.devices - 1):07d}")
    paths = reads(device.asset_tag, device.serial_number)
    connection.close()
    small = time_reads(server.url, token, paths, args.repeat)
    print(f"\nsmall: {Device.objects.count():,} devices; median of {args.repeat} single requests")
    seconds = big_load(args.big_devices, args.big_referrals)
    from referrals.models import Referral

    print(
        f"big load: +{args.big_devices:,} devices, +{args.big_referrals:,} referrals in {seconds:.0f} s; now "
        f"{Device.objects.count():,} devices, {Referral.objects.count():,} referrals"
    )
    connection.close()
    big = time_reads(server.url, token, paths, args.repeat)
    print(f"\n  {'read':<22} {'small ms':>9} {'big ms':>9} {'ratio':>6}  (target <= 1.5)")
    for name in paths:
        ratio = big[name] / small[name]
        print(f"  {name:<22} {small[name]:>9.1f} {big[name]:>9.1f} {ratio:>6.2f}  {'ok' if ratio <= 1.5 else 'SLOW'}")
    explain(paths, mediator)
