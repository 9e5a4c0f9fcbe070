import datetime as dt
import os
import threading
from collections.abc import Callable

import pytest
from django.db import connections
from django.test import Client
from django.utils import timezone

from accounts.enums import Role
from accounts.services import token_issue
from tests.factories import PASSWORD, UserFactory


class ApiClient:
    """Django's test client speaking JSON to /api/v1 with a bearer token, so auth really runs."""

    def __init__(self, user=None, token: str | None = None):
        self.client = Client()
        self.user = user
        self.token = token
        if user is not None and token is None:
            self.token = token_issue(username=user.username, password=PASSWORD, label="tests").secret

    def _headers(self, headers):
        merged = {}
        if self.token:
            merged["Authorization"] = f"Bearer {self.token}"
        merged.update(headers or {})
        return merged

    def get(self, path, params=None, headers=None):
        return self.client.get(_url(path), params or {}, headers=self._headers(headers))

    def post(self, path, json=None, headers=None, **extra):
        return self.client.post(
            _url(path),
            json if json is not None else {},
            content_type="application/json",
            headers=self._headers(headers),
            **extra,
        )

    def post_file(self, path, files, data=None, headers=None):
        return self.client.post(_url(path), {**(data or {}), **files}, headers=self._headers(headers))

    def patch(self, path, json=None, headers=None):
        return self.client.patch(
            _url(path), json or {}, content_type="application/json", headers=self._headers(headers)
        )

    def delete(self, path, headers=None):
        return self.client.delete(_url(path), headers=self._headers(headers))


def in_days(days: int) -> dt.date:
    """The local day `days` from today: a SIM's expiry, a hold's end. Never a written date, which a later run
    would find in the past."""
    return timezone.localdate() + dt.timedelta(days=days)


def days_ago_at_noon(days: int) -> dt.datetime:
    """Noon, `days` local calendar days ago. Code that counts waits in local days (the matching's « waited N days »)
    counts exactly `days` at any hour of the run; `now() - timedelta(days)` late in the evening, across a change of
    summer time, falls on the next local day."""
    return timezone.make_aware(dt.datetime.combine(timezone.localdate() - dt.timedelta(days=days), dt.time(12)))


def client_for(user, language: str | None = None) -> Client:
    """A page client signed in as `user` with their password; with `language`, that language's cookie."""
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    if language:
        client.cookies["django_language"] = language
    return client


def _url(path: str) -> str:
    return path if path.startswith("/") else f"/api/v1/{path}"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """No persistent connections in tests: the live server's thread would keep the test database open."""
    from django.conf import settings

    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, whose PostgreSQL drop at the end of the run must not fail because a session
    outlived its test (a server or worker process, a thread's connection): those sessions are ended first. Once
    a run's last test had passed, its teardown failed on "database … is being accessed by other users"."""
    yield
    with django_db_blocker.unblock():
        from django.db import connection

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2's deliberate slowness is for attackers; the suite hashes thousands of times."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_api():
    def make(user=None):
        return ApiClient(user)

    return make


@pytest.fixture
def anon_api():
    return ApiClient()


@pytest.fixture
def warehouse_user(db):
    return UserFactory(warehouse=True, username="karim")


@pytest.fixture
def mediator_user(db):
    return UserFactory(mediator=True, username="lea")


@pytest.fixture
def coordinator_user(db):
    return UserFactory(coordinator=True, username="camille")


@pytest.fixture
def social_worker_user(db):
    return UserFactory(social_worker=True, username="sophie")


@pytest.fixture
def users_by_role(warehouse_user, mediator_user, coordinator_user, social_worker_user):
    return {
        Role.WAREHOUSE: warehouse_user,
        Role.MEDIATOR: mediator_user,
        Role.COORDINATOR: coordinator_user,
        Role.SOCIAL_WORKER: social_worker_user,
    }


@pytest.fixture
def warehouse_api(warehouse_user):
    return ApiClient(warehouse_user)


@pytest.fixture
def mediator_api(mediator_user):
    return ApiClient(mediator_user)


@pytest.fixture
def coordinator_api(coordinator_user):
    return ApiClient(coordinator_user)


@pytest.fixture
def social_worker_api(social_worker_user):
    return ApiClient(social_worker_user)


def require_or_skip(env_var: str, reason: str):
    """Skip in `make test` when a service is missing; fail in CI, where it must be there."""
    if os.environ.get(env_var) == "1":
        pytest.fail(f"{reason} ({env_var}=1, so this may not skip)")
    pytest.skip(reason)


def at_once(call: Callable[[], int], n: int) -> list[int | str]:
    """`call` made by `n` threads released together, each on its own database connection (as gunicorn's workers
    are): their statuses, a crash as its repr."""
    start = threading.Barrier(n)
    statuses: list[int | str] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            start.wait()
            status = call()
        except Exception as exc:  # a crash is a failure of the throttle: report it as a status
            status = repr(exc)
        finally:
            connections.close_all()
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses
