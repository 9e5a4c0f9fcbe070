"""The production server: gunicorn with four workers on PostgreSQL shares sessions, lockouts and throttles.

Gunicorn runs in a subprocess with the production settings (config.settings, DEBUG off) and the repository's
gunicorn.conf.py, on the test database. Which worker answered each request is read from the access log
(gunicorn.conf.py writes the worker's pid on every line), so the test sees the requests really spread.
"""

import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.db import connection

from tests.conftest import require_or_skip
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 4
START_SECONDS = 90
REQUEST_SECONDS = 30
TOKEN_RATE = 20  # API requests a minute per token, for this module's server


@pytest.fixture(autouse=True)
def fast_password_hashing():
    """Real hashers here: the server runs production settings, which know no MD5 (conftest's shortcut)."""


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    worker: str

    def json(self):
        import json

        return json.loads(self.body)

    def cookies(self) -> dict[str, str]:
        jar = SimpleCookie()
        for header in self.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        return {name: morsel.value for name, morsel in jar.items()}


class Server:
    """A gunicorn that is spoken to over real sockets; each request on its own connection."""

    def __init__(self, port: int, access_log: Path, process: subprocess.Popen, log: Path):
        self.port = port
        self.access_log = access_log
        self.process = process
        self.log = log

    def request(self, method, path, *, body=None, headers=None, client_ip="198.51.100.200") -> Answer:
        marker = uuid.uuid4().hex
        separator = "&" if "?" in path else "?"
        # One trusted proxy in front (BAGAGE_PROXY_COUNT=1): the last X-Forwarded-For entry is the client.
        headers = {"X-Forwarded-For": client_ip, **(headers or {})}
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_SECONDS)
        try:
            conn.request(method, f"{path}{separator}probe={marker}", body=body, headers=headers)
            response = conn.getresponse()
            answer = Answer(response.status, response.headers, response.read(), worker="")
        finally:
            conn.close()
        answer.worker = self.worker_for(marker)
        return answer

    def worker_for(self, marker: str) -> str:
        """The pid of the worker that logged this request (it logs just after answering)."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            for line in self.access_log.read_text().splitlines():
                if marker in line:
                    return re.search(r"worker=<?(\d+)>?", line).group(1)
            time.sleep(0.05)
        pytest.fail(f"no access-log line for request {marker}:\n{self.tail()}")

    def tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-40:])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    settings_dict = connection.settings_dict
    user = quote(settings_dict.get("USER") or "", safe="")
    password = settings_dict.get("PASSWORD")
    credentials = f"{user}:{quote(password, safe='')}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{settings_dict['NAME']}"


@pytest.fixture
def server(gunicorn_server):
    return gunicorn_server


@pytest.fixture(scope="module")
def gunicorn_server(tmp_path_factory, django_db_setup, django_db_blocker):
    """One server for the module; each test's rows are committed (transactional) and flushed after it."""
    tmp_path = tmp_path_factory.mktemp("gunicorn")
    if connection.vendor != "postgresql":
        require_or_skip(
            "BAGAGE_REQUIRE_POSTGRES",
            "several gunicorn workers need PostgreSQL: run with DATABASE_URL=postgres://…",
        )
    if shutil.which("gunicorn", path=str(Path(sys.executable).parent)) is None:
        pytest.fail("gunicorn is not installed: it is in the test and prod extras (pip install -e '.[test]')")
    port = free_port()
    access_log = tmp_path / "access.log"
    access_log.touch()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "PYTEST_ADDOPTS"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database_url(),
        SECRET_KEY=secrets.token_urlsafe(50),
        SECURE_SSL_REDIRECT="0",  # plain HTTP on localhost; a real deployment has TLS in front
        BAGAGE_PROXY_COUNT="1",
        BAGAGE_BIND=f"127.0.0.1:{port}",
        BAGAGE_WORKERS=str(WORKERS),
        BAGAGE_ACCESS_LOG=str(access_log),
        STATIC_ROOT=str(tmp_path / "static"),
        BAGAGE_VAR_DIR=str(tmp_path / "var"),
        BAGAGE_API_RATE_TOKEN=f"{TOKEN_RATE}/min",
    )
    # As `make serve` does: the static files gathered, hashed and compressed for WhiteNoise.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=START_SECONDS,
        capture_output=True,
    )
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "gunicorn.conf.py"), "config.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    running = Server(port, access_log, process, log)
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"gunicorn exited with {process.returncode}:\n{running.tail()}")
            try:
                if running.request("GET", "/").status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not answer within {START_SECONDS} s:\n{running.tail()}")
            time.sleep(0.2)
        yield running
    finally:
        # SIGTERM: gunicorn's graceful stop; the workers close their database connections before the test's
        # flush and the test database's removal need them gone.
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def ask_token(server, username, password, client_ip) -> Answer:
    body = f'{{"username": "{username}", "password": "{password}", "label": "gunicorn"}}'
    return server.request(
        "POST", "/api/v1/auth/tokens", body=body, headers={"Content-Type": "application/json"}, client_ip=client_ip
    )


def sign_in(server, username, password, client_ip) -> tuple[Answer, dict[str, str]]:
    page = server.request("GET", "/", client_ip=client_ip)
    csrf_cookie = page.cookies()["csrftoken"]
    form_token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body).group(1).decode()
    answer = server.request(
        "POST",
        "/",
        body=urlencode({"username": username, "password": password, "csrfmiddlewaretoken": form_token}),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf_cookie}"},
        client_ip=client_ip,
    )
    return answer, answer.cookies()


def test_a_session_made_by_one_worker_is_accepted_by_every_other(server):
    UserFactory(username="nadia")
    answer, cookies = sign_in(server, "nadia", PASSWORD, client_ip="198.51.100.1")
    assert answer.status == 302, answer.body[:500]
    assert "sessionid" in cookies
    signed_in_by = answer.worker

    def me(_):
        return server.request("GET", "/api/v1/me", headers={"Cookie": f"sessionid={cookies['sessionid']}"})

    # Concurrent requests cannot all wait for one worker: keep asking until others than the sign-in's answered.
    answers = []
    with ThreadPoolExecutor(max_workers=WORKERS * 2) as pool:
        for _ in range(5):
            answers += pool.map(me, range(WORKERS * 2))
            if {a.worker for a in answers} - {signed_in_by}:
                break
    assert [a.status for a in answers] == [200] * len(answers)
    assert {a.json()["username"] for a in answers} == {"nadia"}
    assert {a.worker for a in answers} - {signed_in_by}, "every request went to the worker that signed in"


def test_wrong_passwords_spread_over_workers_lock_the_account(server):
    UserFactory(username="bruno")
    ip = "198.51.100.2"
    # Four wrong passwords at once land on four busy workers (each hashes for a while); every one is counted.
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        first = list(pool.map(lambda _: ask_token(server, "bruno", "wrong-password", ip), range(4)))
    assert [a.status for a in first] == [401] * 4
    assert len({a.worker for a in first}) >= 2, "the wrong passwords all went to one worker"
    fifth = ask_token(server, "bruno", "wrong-password", ip)
    assert fifth.status == 429 and fifth.json()["code"] == "too_many_attempts"
    # Locked on every worker at that address, even with the right password; a colleague behind the same
    # address still signs in (the count is per account and address).
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        after = list(pool.map(lambda _: ask_token(server, "bruno", PASSWORD, ip), range(WORKERS)))
    assert [a.status for a in after] == [429] * WORKERS
    assert {a.json()["code"] for a in after} == {"too_many_attempts"}
    UserFactory(username="bruno_colleague")
    assert ask_token(server, "bruno_colleague", PASSWORD, ip).status == 201


def test_the_token_throttle_counts_requests_across_workers(server):
    UserFactory(username="chloe")
    ip = "198.51.100.3"
    # settings.BAGAGE_TOKEN_RATE: ten a minute per address. Fourteen at once keep every worker busy hashing the
    # password (one after another, a single idle worker may well take them all): exactly ten pass, wherever they ran.
    with ThreadPoolExecutor(max_workers=WORKERS * 2) as pool:
        answers = list(pool.map(lambda _: ask_token(server, "chloe", PASSWORD, ip), range(14)))
    assert sorted(a.status for a in answers) == [201] * 10 + [429] * 4
    assert len({a.worker for a in answers}) >= 2, "the fourteen requests all went to one worker"
    refused = [a for a in answers if a.status == 429]
    assert {a.json()["code"] for a in refused} == {"too_many_attempts"}
    assert all(int(a.headers["Retry-After"]) > 0 for a in refused)
    assert ask_token(server, "chloe", PASSWORD, ip).status == 429
    # Another address is not throttled.
    assert ask_token(server, "chloe", PASSWORD, "198.51.100.4").status == 201


def test_the_api_rate_limit_counts_concurrent_requests_across_workers(server):
    UserFactory(username="dora", warehouse=True)
    token = ask_token(server, "dora", PASSWORD, "198.51.100.5").json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(
            pool.map(lambda _: server.request("GET", "/api/v1/donors", headers=headers), range(TOKEN_RATE + 10))
        )
    statuses = sorted(a.status for a in answers)
    assert statuses == [200] * TOKEN_RATE + [429] * 10
    assert len({a.worker for a in answers if a.status == 200}) >= 2, "every request went to one worker"
    refused = [a for a in answers if a.status == 429]
    assert {a.json()["code"] for a in refused} == {"rate_limited"}
    assert all(int(a.headers["Retry-After"]) >= 1 for a in refused)
    # Another token of the same person has its own count.
    other = ask_token(server, "dora", PASSWORD, "198.51.100.5").json()["token"]
    assert server.request("GET", "/api/v1/donors", headers={"Authorization": f"Bearer {other}"}).status == 200


def test_pages_load_their_css_from_whitenoise_with_debug_off(server):
    page = server.request("GET", "/")
    assert page.status == 200
    stylesheets = re.findall(rb'<link[^>]+href="(/static/[^"]+\.css)"', page.body)
    assert stylesheets, page.body[:500]
    for href in stylesheets:
        # collectstatic's manifest names each file by its content's hash, so browsers may keep it for ever.
        assert re.search(rb"\.[0-9a-f]{12}\.css$", href), href
        css = server.request("GET", href.decode())
        assert css.status == 200
        assert css.headers["Content-Type"].startswith("text/css")
        assert "immutable" in css.headers["Cache-Control"]
        assert css.body.strip()
        # And compressed (collectstatic stored a .br and a .gz of it): what a phone downloads.
        for encoding in ("br", "gzip"):
            packed = server.request("GET", href.decode(), headers={"Accept-Encoding": encoding})
            assert packed.status == 200 and packed.headers["Content-Encoding"] == encoding, packed.headers
            assert len(packed.body) < len(css.body) / 2
            assert "immutable" in packed.headers["Cache-Control"]


def children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def database_sockets(pid: int) -> int:
    """How many TCP connections to PostgreSQL's port this process holds (its descriptors' sockets, looked up
    in the kernel's table of connections)."""
    port = f":{int(connection.settings_dict.get('PORT') or 5432):04X}"  # as database_url() gives it
    remote = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            remote[fields[9]] = fields[2]  # inode -> remote address:port
    inodes = []
    for descriptor in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(descriptor)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.append(target[len("socket:[") : -1])
    return sum(1 for inode in inodes if remote.get(inode, "").endswith(port))


def loaded_numpy(pid: int) -> bool:
    return "_multiarray_umath" in Path(f"/proc/{pid}/maps").read_text()


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads /proc (Linux)")
def test_workers_are_forks_of_a_master_that_loaded_the_application_without_a_connection(server):
    """Preloading: a replaced worker is a fork of the loaded master (no second import of the application), and
    the master, which every worker copies, holds no database connection and no thread besides its own."""
    UserFactory(username="elise", warehouse=True)
    _answer, cookies = sign_in(server, "elise", PASSWORD, client_ip="198.51.100.6")

    def home(_):  # a page read with the session, which lives in the database
        return server.request("GET", "/home/", headers={"Cookie": f"sessionid={cookies['sessionid']}"})

    # Concurrent requests, until at least two workers have answered (and so opened their connection).
    answers = []
    with ThreadPoolExecutor(max_workers=WORKERS * 2) as pool:
        for _ in range(5):
            answers += pool.map(home, range(WORKERS * 2))
            if len({a.worker for a in answers}) >= 2:
                break
    assert {a.status for a in answers} == {200}
    assert all(b"/logout/" in a.body for a in answers)  # signed in: the session was read
    master = server.process.pid
    workers = children(master)
    assert len(workers) == WORKERS
    # The master imported everything, the URLs' views and the matching planner's numpy included...
    assert loaded_numpy(master)
    # ...but opened no connection for its workers to share; each worker has its own, at most one.
    assert database_sockets(master) == 0
    assert all(database_sockets(pid) <= 1 for pid in workers)
    assert sum(database_sockets(pid) for pid in {int(a.worker) for a in answers}) >= 2
    # One thread per process: the import started none that a fork would lose.
    assert all(len(os.listdir(f"/proc/{pid}/task")) == 1 for pid in {master, *workers})

    # A worker replaced (as after its max_requests) starts as a copy of the master: the application already in
    # memory before its first request (without preloading it would import the URLs at that request).
    replaced = min(workers)
    os.kill(replaced, signal.SIGTERM)
    deadline = time.monotonic() + START_SECONDS
    while not (children(master) - workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    new = children(master) - workers
    assert new, f"no worker replaced {replaced}:\n{server.tail()}"
    (new_worker,) = new
    assert loaded_numpy(new_worker)
    assert database_sockets(new_worker) == 0
    # And it answers with its own connection, as the others do.
    seen = set()
    deadline = time.monotonic() + START_SECONDS
    while new_worker not in seen and time.monotonic() < deadline:
        with ThreadPoolExecutor(max_workers=WORKERS * 2) as pool:
            batch = list(pool.map(home, range(WORKERS * 2)))
        assert {a.status for a in batch} == {200}
        assert all(b"/logout/" in a.body for a in batch)  # signed in: the session was read
        seen |= {int(a.worker) for a in batch}
    assert new_worker in seen
    assert database_sockets(new_worker) == 1
