"""Settings for the test suite and the benchmarks: production's (DEBUG off) over plain HTTP.

The test client and the live server speak HTTP on localhost, so HTTPS redirects and secure-only
cookies are turned off here, and a throw-away secret key is used when none is given. Nothing else
differs from config.settings, so the suite tests what a deployment runs.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-key-never-used-by-a-server-0123456789-abcdefghijklmnop")

from config.settings import *  # noqa: E402,F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0

# Receipts drawn by the tests go to a scratch folder, not next to the local demo's.
STORAGES["receipts"]["OPTIONS"]["location"] = str(VAR_DIR / "test-receipts")  # noqa: F405
