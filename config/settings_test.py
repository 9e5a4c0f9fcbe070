"""Settings for the test suite and the benchmarks: production's (DEBUG off) over plain HTTP.

The test client and the live server speak HTTP on localhost, so HTTPS redirects and secure-only
cookies are turned off here, a throw-away secret key is used when none is given, and static files are
served without collectstatic. Nothing else differs from config.settings, so the suite tests what a
deployment runs (tests/ops/test_gunicorn.py runs the real production settings under gunicorn).
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-key-never-used-by-a-server-0123456789-abcdefghijklmnop")
# What `make run` uses; set here (not only defaulted in settings) so that the servers the tests start with the
# production settings (gunicorn, runserver) inherit it.
os.environ.setdefault("BAGAGE_PUBLIC_URL", "http://127.0.0.1:8000")

from config.settings import *  # noqa: E402,F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# No collectstatic before the suite: pages name static files as they are (no manifest of hashed names),
# and WhiteNoise finds them in the apps at each request, as in development.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Receipts drawn by the tests go to a scratch folder, not next to the local demo's.
STORAGES["receipts"]["OPTIONS"]["location"] = str(VAR_DIR / "test-receipts")  # noqa: F405
