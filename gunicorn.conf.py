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

# Each worker keeps its own PostgreSQL connection (CONN_MAX_AGE) and loads the whole application (the
# matching planner's solvers included): past 8, a small server runs out of memory and connections before it
# runs out of CPU. An operator with a bigger machine says so with BAGAGE_WORKERS.
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
# jitter keeps them from all restarting at once. Not fewer: a new worker imports the whole application again
# (2-4 s of CPU), so at a thousand a busy server (4 workers, 100 requests/s each) spent a core restarting them.
max_requests = 20_000
max_requests_jitter = 2_000

# No preload: the application is imported in each worker after the fork, not once in the master. Preloading
# saves some memory but is only safe if nothing opens a database connection at import time, since a
# connection opened in the master would be inherited by every worker and its socket shared between
# processes (interleaved protocol messages, answers read by the wrong worker). Django opens connections
# lazily, but any app's ready() or a module-level query would silently break that; and without preload,
# `kill -HUP <master>` reloads new code worker by worker.
preload_app = False

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
