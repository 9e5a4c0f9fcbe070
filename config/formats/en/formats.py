"""English pages as an office in Europe reads them: day-month-year and 24-hour time (en-GB), never 12/17/2026 or
12:43 p.m. (Django's `en` formats are American). FORMAT_MODULE_PATH in config/settings.py points here."""

from django.conf.locale.en_GB.formats import *  # noqa: F403

TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
