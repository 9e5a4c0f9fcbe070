"""Gunicorn's configuration for `make serve` (gunicorn reads this file from the working directory).

Everything a deployment changes comes from the environment:
- BAGAGE_BIND: where to listen, default 127.0.0.1:8000 (a reverse proxy in front terminates TLS);
  several addresses separated by commas.
- BAGAGE_WORKERS: how many worker processes; default 2 x cores + 1, at most 8.
- BAGAGE_ACCESS_LOG: the access log's path, default "-" (standard output, for journald or docker).
- BAGAGE_TIMEOUT: seconds a request may take before its worker is killed and replaced, default 30.

Workers share nothing in memory that matters: sessions, the sign-in lockout counts (django-axes), the
API's rate-limit counters (one upserted row per token and per address, the token throttle's among them)
live in PostgreSQL, so any worker may answer any request (tests/ops/test_gunicorn.py proves it
with four workers).
"""

import multiprocessing
import os

# Each worker keeps its own PostgreSQL connection (CONN_MAX_AGE) and its own copy of whatever the application
# writes in memory (the preloaded code is shared until touched): past 8, a small server runs out of memory and
# connections before it runs out of CPU. An operator with a bigger machine says so with BAGAGE_WORKERS.
MAX_DEFAULT_WORKERS = 8

bind = [address.strip() for address in os.environ.get("BAGAGE_BIND", "127.0.0.1:8000").split(",") if address.strip()]
workers = int(os.environ.get("BAGAGE_WORKERS") or min(2 * multiprocessing.cpu_count() + 1, MAX_DEFAULT_WORKERS))
# Sync workers: one request at a time per process, the model Django's database connections are built for.
worker_class = "sync"

timeout = int(os.environ.get("BAGAGE_TIMEOUT", "30"))
# On SIGTERM (deploy, shutdown) a worker finishes the request it is serving, for at most this long.
graceful_timeout = 30
keepalive = 5
# A worker is replaced after about twenty thousand requests, so that a slow leak never grows for weeks; the
# jitter keeps them from all restarting at once.
max_requests = 20_000
max_requests_jitter = 2_000

# Preload: the application (Django, every URL, view and API schema, numpy for the matching planner) is
# imported once, in the master, and each worker is a fork of it. A worker replaced after its max_requests (or
# a timeout) is then a fork away from answering, instead of importing everything again: 1.7-4 s of a core,
# taken from the other workers' requests (under bench/load.py's 50 connections, the referral list's p95 went
# from ~90 ms to ~145 in the ten seconds a restart fell in). What Django builds lazily (the URL resolver's
# tables, templates, the worker's own database connection) each new worker still builds at its first
# requests. The workers also share the imported code's memory.
# A fork must not copy a database connection: its socket would be shared by every worker (interleaved
# messages, answers read by the wrong process). Django connects lazily and nothing queries at import; the
# pre_fork hook below closes any connection all the same. Nor threads: only the forking one would survive in
# the child; none is started at import (the test checks the master has one).
# Deploying: the master keeps the code, the static files' manifest and the settings it loaded, while templates
# are read from disk by each worker when first used; so stop the service, update, and start it again
# (`make serve`, or `systemctl restart` of a unit that runs it). `kill -HUP` does not load new code: its
# workers, forked from the old master, would pair the old code with the new templates.
preload_app = True


def when_ready(server):
    """In the master, the application loaded: import the URLs (and with them every view and API schema, which
    Django would otherwise import at each worker's first request), then move what is loaded out of the garbage
    collector's sight, so that the workers' collections do not walk it again and again."""
    import gc
    from importlib import import_module

    from django.conf import settings

    import_module(settings.ROOT_URLCONF)
    gc.collect()
    gc.freeze()


def pre_fork(server, worker):
    """Before each fork, in the master: no database connection to hand down (Django opens them lazily, so
    normally there is none; an import or a hook that queried would have left one)."""
    from django.db import connections

    connections.close_all()


accesslog = os.environ.get("BAGAGE_ACCESS_LOG", "-")
# The usual combined format, plus the request's duration (ms) and the worker's pid: which worker answered
# is what one needs to follow a problem that only some requests meet.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms worker=%(p)s'
errorlog = "-"
loglevel = os.environ.get("BAGAGE_GUNICORN_LOG_LEVEL", "info")
# The X-Forwarded-For header names the client only behind a trusted proxy: Django reads it (BAGAGE_PROXY_COUNT),
# gunicorn's own forwarded_allow_ips default (127.0.0.1) is left as it is.
proc_name = "bagage"
# Gunicorn 25+ opens a control socket for `gunicornc` at one path per user ($HOME/.gunicorn/gunicorn.ctl):
# two servers of the same user (production and a restore drill, or parallel tests) would fight over it.
# Bagage does not use it; older gunicorns ignore this unknown name.
control_socket_disable = True
