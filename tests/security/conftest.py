# The kit fixtures of tests/distribution, for the attacks on kits and their idempotent writes.
from tests.distribution.conftest import world  # noqa: F401
