"""Production settings (config.settings) with the bench's URLconf: the project's URLs plus a bare view."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "load_urls"
