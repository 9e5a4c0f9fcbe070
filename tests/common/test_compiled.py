"""CompiledRead: the same instances as the queryset it was compiled from, in one query, with each call's values."""

import gc
import threading
import weakref

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from accounts.models import ApiToken, User
from accounts.services import token_authenticate, token_issue
from api.models import RateCounter
from common.compiled import Alongside, CompiledRead
from tests.factories import PASSWORD, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db


def token_with_user_and_site(digest):
    return ApiToken.objects.select_related("user", "user__site").filter(digest=digest).order_by()[:1]


def fields(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields}


def test_it_builds_the_instances_the_queryset_builds_related_ones_included(warehouse_user):
    read = CompiledRead(token_with_user_and_site)
    siteless = UserFactory(username="claire", role="coordinator", site=None)
    for user in (warehouse_user, siteless):  # with a site, and without one (a nullable join)
        issued = token_issue(username=user.username, password=PASSWORD, label="scanner")
        expected = token_with_user_and_site(issued.token.digest).get()
        with CaptureQueriesContext(connection) as captured:
            found = read.first(issued.token.digest)
        assert len(captured) == 1
        assert type(found) is ApiToken and fields(found) == fields(expected)
        assert found.created_at.tzinfo is not None  # the database's converters ran
        assert fields(found.user) == fields(expected.user)
        with CaptureQueriesContext(connection) as captured:
            site = found.user.site  # came with the token: no second query
        assert len(captured) == 0
        assert (site and fields(site)) == (expected.user.site and fields(expected.user.site))
    assert warehouse_user.site_id is not None and siteless.site_id is None


def test_each_call_sends_its_own_value_and_an_unknown_one_finds_nothing(warehouse_user, mediator_user):
    read = CompiledRead(token_with_user_and_site)
    first = token_issue(username=warehouse_user.username, password=PASSWORD, label="a").token
    second = token_issue(username=mediator_user.username, password=PASSWORD, label="b").token
    assert read.first(second.digest).user == mediator_user
    assert read.first(first.digest).user == warehouse_user
    assert read.first("0" * 64) is None


def test_token_authenticate_refuses_revoked_tokens_and_inactive_users(warehouse_user):
    issued = token_issue(username=warehouse_user.username, password=PASSWORD, label="scanner")
    assert token_authenticate(issued.secret).user == warehouse_user
    User.objects.filter(pk=warehouse_user.pk).update(is_active=False)
    assert token_authenticate(issued.secret) is None
    User.objects.filter(pk=warehouse_user.pk).update(is_active=True)
    ApiToken.objects.filter(pk=issued.token.pk).update(revoked_at=issued.token.created_at)
    assert token_authenticate(issued.secret) is None


def test_a_marker_the_query_does_not_carry_is_refused_at_compilation():
    with pytest.raises(ValueError, match="marker"):
        CompiledRead(lambda digest: ApiToken.objects.filter(label="x")).first("a")
    with pytest.raises(ValueError, match="marker"):
        CompiledRead(lambda digest: ApiToken.objects.filter(label=digest, digest=digest)).first("a")


@pytest.mark.django_db(transaction=True)
def test_each_thread_compiles_for_its_own_connection(warehouse_user):
    """Django's connections belong to a thread (runserver serves each request in one): so do compilations."""
    read = CompiledRead(token_with_user_and_site)
    issued = token_issue(username=warehouse_user.username, password=PASSWORD, label="scanner")
    assert read.first(issued.token.digest).user == warehouse_user
    seen = {}

    def other_thread():
        try:
            seen["user"] = read.first(issued.token.digest).user
            seen["connection"] = connections["default"]
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert seen["user"] == warehouse_user
    assert seen["connection"] is not connection


@pytest.mark.django_db(transaction=True)
def test_a_finished_threads_connection_is_not_kept_alive_by_its_compilation():
    """runserver serves each request in a new thread, with a connection of its own: the thread's end must free it,
    as it does without CompiledRead (SQLite's converters are bound to the connection, so a compilation kept beside
    it, not on it, kept every request's connection, and with CONN_MAX_AGE its open database files, for ever).
    """
    read = CompiledRead(token_with_user_and_site)
    seen = []

    def request_thread():
        try:
            assert read.first("0" * 64) is None
            seen.append(weakref.ref(connections["default"]))
        finally:
            connections["default"].close()  # so that the test database can be dropped whatever happens

    for _ in range(3):
        thread = threading.Thread(target=request_thread)
        thread.start()
        thread.join()
    gc.collect()
    assert len(seen) == 3 and [ref() for ref in seen] == [None, None, None]


def test_an_integer_value_and_a_context_told_apart_by_its_shape(warehouse_user):
    """A scope's SQL is kept per shape: each site's read finds its own users only, in any order of first use."""
    read = CompiledRead(lambda pk, *, site_id: User.objects.filter(site_id=site_id, pk=pk))
    other_site = UserFactory(username="malik", warehouse=True, site=SiteFactory(code="LY"))
    absent = other_site.site_id + 1000
    assert other_site.site_id != warehouse_user.site_id
    for user in (warehouse_user, other_site, warehouse_user):
        assert read.first(user.pk, site_id=user.site_id, shape=(user.site_id,)) == user
        assert read.first(user.pk, site_id=absent, shape=(absent,)) is None
    with CaptureQueriesContext(connection) as captured:
        assert read.first(other_site.pk, site_id=other_site.site_id, shape=(other_site.site_id,)) == other_site
    assert len(captured) == 1


def test_annotations_come_as_attributes_converted_as_the_queryset_converts_them(warehouse_user):
    from django.db.models import DateTimeField, ExpressionWrapper, F

    build = lambda pk: User.objects.annotate(  # noqa: E731
        joined=ExpressionWrapper(F("date_joined"), output_field=DateTimeField())
    ).filter(pk=pk)
    found = CompiledRead(build).first(warehouse_user.pk)
    assert found.joined == build(warehouse_user.pk).get().joined and found.joined.tzinfo is not None


def test_a_read_that_can_match_nothing_sends_no_query():
    read = CompiledRead(lambda pk: User.objects.none().filter(pk=pk))
    with CaptureQueriesContext(connection) as captured:
        assert read.first(1) is None and read.first(2) is None
    assert len(captured) == 0


def test_values_are_text_or_integers_and_as_many_as_the_markers(warehouse_user):
    read = CompiledRead(lambda pk: User.objects.filter(pk=pk))
    with pytest.raises(TypeError):
        read.first(True)
    with pytest.raises(TypeError):
        read.first(warehouse_user.pk, warehouse_user.pk)


def test_the_compilations_kept_per_connection_are_bounded(monkeypatch, warehouse_user):
    from common import compiled

    monkeypatch.setattr(compiled, "KEPT_PER_CONNECTION", 3)
    read = CompiledRead(lambda pk, *, site_id: User.objects.filter(site_id=site_id, pk=pk))
    for site_id in range(10):
        read.first(warehouse_user.pk, site_id=site_id, shape=(site_id,))
    kept = connections["default"].__dict__[compiled._ATTRIBUTE]
    assert [key[2] for key in kept] == [(7,), (8,), (9,)]  # the most recently used, whatever was kept before


@pytest.mark.django_db(transaction=True)
def test_a_locking_read_runs_inside_a_transaction_only_as_the_queryset_does(warehouse_user):
    from django.db import transaction
    from django.db.transaction import TransactionManagementError

    read = CompiledRead(lambda pk: User.objects.select_for_update().filter(pk=pk))
    with transaction.atomic():
        assert read.first(warehouse_user.pk) == warehouse_user
    if connection.features.has_select_for_update:  # SQLite locks the whole database, and Django lets it be
        with pytest.raises(TransactionManagementError):
            User.objects.select_for_update().filter(pk=warehouse_user.pk).first()
        with pytest.raises(TransactionManagementError):
            read.first(warehouse_user.pk)


def test_a_marker_a_column_cannot_hold_leaves_the_queryset_to_answer():
    """A positive column's range excludes the integer marker on PostgreSQL: Django drops that lookup while compiling
    (nothing could match), which must not become a None kept for every value."""
    from referrals.models import Beneficiary
    from tests.factories import BeneficiaryFactory

    person = BeneficiaryFactory(birth_year=1990)
    read = CompiledRead(lambda year: Beneficiary.objects.filter(birth_year=year))
    assert read.first(1990) == person
    assert read.first(1991) is None
    assert read.first(1990) == person
    assert read.first(2**63) is None  # beyond any column: the queryset's answer, without a query


def seen(prefix: str, *, times: int = 1) -> Alongside:
    """A statement over the found token: one counter row per time, keyed by the token's id and label."""
    return Alongside(
        "INSERT INTO api_ratecounter (key, slot, hits, previous, stale_after) "
        "SELECT %s || bagage_found.id || ':' || bagage_found.label || ':' || n, 1, n, 0, 1 "
        "FROM bagage_found CROSS JOIN generate_series(1, %s) AS n RETURNING key, hits",
        (prefix, times),
    )


def test_a_statement_alongside_runs_over_the_found_row_in_the_same_round_trip_where_the_database_can(
    warehouse_user,
):
    read = CompiledRead(token_with_user_and_site)
    issued = token_issue(username=warehouse_user.username, password=PASSWORD, label="scanner")
    expected = token_with_user_and_site(issued.token.digest).get()
    with CaptureQueriesContext(connection) as captured:
        found, rows = read.first_alongside(issued.token.digest, alongside=seen("seen:", times=2))
    assert len(captured) == 1
    assert fields(found) == fields(expected) and fields(found.user) == fields(expected.user)
    assert fields(found.user.site) == fields(expected.user.site)
    if connection.vendor != "postgresql":
        # SQLite's WITH holds no INSERT: the read alone, and None says the statement did not run.
        assert "api_ratecounter" not in captured[0]["sql"] and rows is None
        assert not RateCounter.objects.exists()
        return
    keys = [f"seen:{expected.pk}:scanner:{n}" for n in (1, 2)]
    assert sorted(rows) == [(keys[0], 1), (keys[1], 2)]
    assert sorted(RateCounter.objects.values_list("key", flat=True)) == keys
    # Nothing found: nothing written, no row.
    assert read.first_alongside("0" * 64, alongside=seen("unseen:")) == (None, [])
    # Found, and the statement returns nothing: the instance, no row.
    found, rows = read.first_alongside(issued.token.digest, alongside=seen("none:", times=0))
    assert found.pk == expected.pk and rows == []
    assert RateCounter.objects.count() == 2


def test_the_statement_alongside_runs_over_the_first_row_only(warehouse_user, mediator_user):
    """A read of several rows gives `first_alongside` its first; the statement runs over that one, not each."""
    read = CompiledRead(
        lambda label: ApiToken.objects.select_related("user", "user__site").filter(label=label).order_by("pk")
    )
    first = token_issue(username=warehouse_user.username, password=PASSWORD, label="shared").token
    token_issue(username=mediator_user.username, password=PASSWORD, label="shared")
    found, rows = read.first_alongside("shared", alongside=seen("seen:"))
    assert found.pk == first.pk
    if connection.vendor == "postgresql":
        assert rows == [(f"seen:{first.pk}:shared:1", 1)]
        assert list(RateCounter.objects.values_list("key", flat=True)) == [f"seen:{first.pk}:shared:1"]
    else:
        assert rows is None and not RateCounter.objects.exists()
