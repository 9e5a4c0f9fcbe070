"""The lockout check that runs before any password is compared (django-axes)."""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """Refuse a sign-in while its account or address is locked out.

    Every sign-in over HTTP (login page, admin, API tokens) passes its request and is counted. Code that
    authenticates without one (a script, Django's test client `login()`) has no address to count and is
    let through to the password check, where axes itself would refuse to run.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
