"""The French catalogue: every message the code and templates hold is translated, none fuzzy (issue 21, item 3).

The messages are extracted afresh by makemessages into a temporary copy of the source (ops/catalogue.py), so a
string wrapped in gettext and never translated fails here, not in front of a French office. Needs GNU gettext
(skips without it in `make test`; CI installs it and sets BAGAGE_REQUIRE_GETTEXT=1). To fix a failure: `make
messages`, translate what it lists in locale/fr/LC_MESSAGES/django.po, `make messages` again.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

from ops import catalogue
from tests.conftest import require_or_skip


@pytest.fixture(scope="module")
def reports():
    if catalogue.missing_tools():
        require_or_skip("BAGAGE_REQUIRE_GETTEXT", "GNU gettext is not installed (apt-get install gettext)")
    return {report.language: report for report in catalogue.check(Path(settings.BASE_DIR))}


def test_no_message_is_left_untranslated(reports):
    assert reports["fr"].untranslated == [], "\n".join(reports["fr"].lines())


def test_no_translation_is_fuzzy(reports):
    assert reports["fr"].fuzzy == [], "\n".join(reports["fr"].lines())


def test_the_compiled_catalogue_is_the_po_file_compiled(reports):
    assert reports["fr"].stale_mo == [], "\n".join(reports["fr"].lines())


def test_the_reader_of_po_files_finds_plurals_and_contexts():
    text = """
msgid ""
msgstr "Language: fr\\n"

#, fuzzy
msgctxt "referral"
msgid "Expired"
msgstr "Expirée"

msgid "%(count)s line"
msgid_plural "%(count)s lines"
msgstr[0] ""
msgstr[1] ""

msgid ""
"Two "
"lines"
msgstr ""
"""
    assert catalogue._entries(text) == ["referral|Expired", "%(count)s line", "Two lines"]


ALIAS = re.compile(r"import\s+(?:\w*gettext\w*)\s+as\s+(\w+)")


def test_translation_functions_go_by_names_makemessages_sees():
    """`gettext_lazy as _lazy` hid two confirmation sentences from makemessages: they were kept by hand in the .po
    and lost at the next extraction. Only `_` and the functions' own names are keywords of makemessages."""
    base = Path(settings.BASE_DIR)
    hidden = []
    for path in base.rglob("*.py"):
        relative = path.relative_to(base)
        if relative.parts[0] in catalogue.IGNORED:
            continue
        hidden += [
            f"{relative}: as {alias}" for alias in ALIAS.findall(path.read_text(encoding="utf-8")) if alias != "_"
        ]
    assert hidden == []
