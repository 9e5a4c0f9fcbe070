"""Reading a batch's device list from CSV: UTF-8 with commas, or Excel's French export (;, Windows-1252)."""

import csv
import io

from django.utils.translation import gettext as _

from common.validators import fold_words
from inventory.exceptions import ValidationFailed

# One import is one donation's devices: bounded so that checking it (even with dry_run) takes under a second.
# A file over MAX_BYTES is refused before it is read (413); one with over MAX_ROWS rows as soon as the
# reader passes that many, before any row is checked (422). Both are in the README.
MAX_BYTES = 1024 * 1024
MAX_ROWS = 1000


class FileTooLarge(ValidationFailed):
    status = 413
    code = "file_too_large"


def check_size(size: int) -> None:
    """Refuse a file over MAX_BYTES from its size alone, before reading it."""
    if size > MAX_BYTES:
        raise FileTooLarge(
            _("The file is larger than %(mb)s MB: split it into several imports.") % {"mb": MAX_BYTES // 1024 // 1024}
        )


# Column names: the API's own, and the French headers people type in Excel. Matching ignores
# case, accents, spaces and punctuation, so "N° de série" and "numero_serie" both work.
COLUMN_ALIASES = {
    "kind": ["kind", "type", "categorie"],
    "brand": ["brand", "marque", "fabricant"],
    "model": ["model", "modele"],
    "serial_number": ["serial_number", "serial", "numero_de_serie", "n_de_serie", "numero_serie", "sn"],
    "imei": ["imei", "imei1"],
    "imei2": ["imei2"],
    "ram_gb": ["ram_gb", "ram", "ram_go", "memoire_go"],
    "storage_gb": ["storage_gb", "storage", "stockage_go", "stockage", "disque_go"],
    "storage_type": ["storage_type", "type_stockage", "type_de_stockage", "type_disque"],
    "cpu": ["cpu", "processeur"],
    "cpu_mark": ["cpu_mark", "score_cpu", "passmark"],
    "os": ["os", "systeme", "systeme_d_exploitation"],
    "battery_health_pct": ["battery_health_pct", "batterie", "batterie_pct", "sante_batterie"],
    "grade": ["grade"],
    "location": ["location", "emplacement", "bac"],
    "notes": ["notes", "remarques", "commentaire"],
}
# French words people write for device kinds.
KIND_ALIASES = {
    "smartphone": "smartphone",
    "telephone": "smartphone",
    "mobile": "smartphone",
    "feature_phone": "feature_phone",
    "telephone_simple": "feature_phone",
    "tablet": "tablet",
    "tablette": "tablet",
    "laptop": "laptop",
    "portable": "laptop",
    "ordinateur_portable": "laptop",
    "pc_portable": "laptop",
    "desktop": "desktop",
    "fixe": "desktop",
    "ordinateur_fixe": "desktop",
    "tour": "desktop",
    "unite_centrale": "desktop",
}


ALIAS_TO_FIELD = {alias: name for name, aliases in COLUMN_ALIASES.items() for alias in aliases}


def decode(content: bytes) -> str:
    check_size(len(content))
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel "CSV (séparateur : point-virgule)" on a French Windows writes Windows-1252.
        return content.decode("cp1252", errors="replace")


def read_device_csv(content: bytes) -> list[tuple[int, dict[str, str]]]:
    """Return (line number, {field: text}) for each non-empty row; refuse unknown or missing columns."""
    text = decode(content)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise ValidationFailed(_("The file is empty."), "empty_file") from None
    fields: list[str | None] = []
    unknown = []
    for column in header:
        name = ALIAS_TO_FIELD.get(fold_words(column))
        if name is None and column.strip():
            unknown.append(column.strip())
        fields.append(name)
    if unknown:
        raise ValidationFailed(
            _("Unknown columns: %(unknown)s. Known: %(known)s.")
            % {"unknown": ", ".join(unknown), "known": ", ".join(COLUMN_ALIASES)},
            "unknown_columns",
        )
    missing = {"kind", "brand"} - set(fields)
    if missing:
        raise ValidationFailed(
            _("Missing columns: %(names)s.") % {"names": ", ".join(sorted(missing))}, "missing_columns"
        )
    rows = []
    for values in reader:
        if not any(value.strip() for value in values):
            continue
        if len(rows) == MAX_ROWS:
            raise ValidationFailed(
                _("At most %(max)s devices in one import: split the file.") % {"max": MAX_ROWS}, "too_many_rows"
            )
        row = {name: value for name, value in zip(fields, values, strict=False) if name}
        if "kind" in row:
            row["kind"] = KIND_ALIASES.get(fold_words(row["kind"]), row["kind"])
        rows.append((reader.line_num, row))
    return rows
