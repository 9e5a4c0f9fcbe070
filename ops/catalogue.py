"""The French catalogue checked against the code as it is now (`manage.py check_messages`, `make messages`).

The messages are extracted afresh with Django's `makemessages` (GNU gettext) into a copy of the source tree, so the
repository's own `locale/` is never touched by a check; the merged catalogue then has to hold no untranslated and no
fuzzy entry (a fuzzy one is msgmerge's guess from a similar old string: often wrong, never shown), and the compiled
`django.mo` has to hold exactly what `django.po` says.
"""

import gettext
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

LANGUAGES = ("fr",)
# Folders makemessages never reads (relative to the project); the copy leaves them out too.
IGNORED = (".venv", ".git", "var", "staticfiles", "test-artifacts", "tests", "bench", "node_modules", ".pytest_cache")
GETTEXT_TOOLS = ("xgettext", "msgmerge", "msgfmt", "msgattrib")


class CatalogueError(Exception):
    """The check could not run (GNU gettext missing, makemessages failed)."""


@dataclass
class CatalogueReport:
    language: str
    untranslated: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)
    stale_mo: list[str] = field(default_factory=list)  # entries whose compiled translation differs from the .po

    @property
    def ok(self) -> bool:
        return not (self.untranslated or self.fuzzy or self.stale_mo)

    def lines(self) -> list[str]:
        out = []
        for title, entries in (
            ("untranslated", self.untranslated),
            ("fuzzy", self.fuzzy),
            ("compiled django.mo differs from django.po (run `make messages`)", self.stale_mo),
        ):
            if entries:
                out.append(f"{self.language}: {len(entries)} {title}:")
                out += [f"  {entry!r}" for entry in entries]
        return out


def missing_tools() -> list[str]:
    return [tool for tool in GETTEXT_TOOLS if shutil.which(tool) is None]


def makemessages_args(language: str) -> list[str]:
    """The arguments `make messages` and the check both give makemessages."""
    args = ["makemessages", "-l", language, "--no-obsolete"]
    for folder in IGNORED:
        args += ["--ignore", f"{folder}/*"]
    return args


_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def _entries(po_text: str) -> list[str]:
    """The msgids (with their context as `context|msgid`) of a .po text, header left out."""
    found = []
    for block in re.split(r"\n\s*\n", po_text):
        parts: dict[str, str] = {}
        key = None
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("#") or not line:
                continue
            if line.startswith(("msgctxt", "msgid ", "msgid_plural", "msgstr")):
                key = line.split(" ", 1)[0]
                parts.setdefault(key, "")
            if key:
                parts[key] += "".join(_STRING.findall(line))
        msgid = parts.get("msgid")
        if msgid:
            found.append(f"{parts['msgctxt']}|{msgid}" if "msgctxt" in parts else msgid)
    return found


def _attrib(po: Path, flag: str) -> list[str]:
    result = subprocess.run(
        ["msgattrib", flag, "--no-obsolete", "--no-wrap", str(po)], capture_output=True, text=True, check=True
    )
    return _entries(result.stdout)


def _catalog(mo: Path) -> dict:
    with mo.open("rb") as handle:
        catalog = dict(gettext.GNUTranslations(handle)._catalog)
    catalog.pop("", None)  # the header (creation dates differ)
    return catalog


def check(base_dir: Path, languages=LANGUAGES) -> list[CatalogueReport]:
    """Extract the messages of `base_dir` afresh into a temporary copy and report what is not translated."""
    if missing := missing_tools():
        raise CatalogueError(
            f"GNU gettext is needed ({', '.join(missing)} not found): apt-get install gettext "
            "(brew install gettext on macOS)."
        )
    reports = []
    with tempfile.TemporaryDirectory(prefix="bagage-messages-") as scratch:
        copy = Path(scratch) / "src"
        shutil.copytree(base_dir, copy, ignore=shutil.ignore_patterns(*IGNORED, "__pycache__", "*.sqlite3*"))
        for language in languages:
            done = subprocess.run(
                [sys.executable, "manage.py", *makemessages_args(language)],
                cwd=copy,
                capture_output=True,
                text=True,
                env={**os.environ, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "config.settings"},
            )
            if done.returncode != 0:
                raise CatalogueError(f"makemessages failed:\n{done.stdout}\n{done.stderr}")
            po = copy / "locale" / language / "LC_MESSAGES" / "django.po"
            report = CatalogueReport(language)
            report.untranslated = _attrib(po, "--untranslated")
            report.fuzzy = _attrib(po, "--only-fuzzy")
            committed_po = base_dir / "locale" / language / "LC_MESSAGES" / "django.po"
            committed_mo = committed_po.with_suffix(".mo")
            fresh_mo = Path(scratch) / f"{language}.mo"
            subprocess.run(["msgfmt", "-o", str(fresh_mo), str(committed_po)], check=True, capture_output=True)
            expected, compiled = _catalog(fresh_mo), _catalog(committed_mo) if committed_mo.exists() else {}
            report.stale_mo = sorted(
                str(key) for key in expected.keys() | compiled.keys() if expected.get(key) != compiled.get(key)
            )
            reports.append(report)
    return reports
