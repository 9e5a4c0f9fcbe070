"""Where the API is mounted: the one place its prefix is written (config/urls.py mounts it there)."""

API_PREFIX = "/api/v1/"
