"""What goes on a label: plain data, already in the words the reader will read.

Never personal data: a label names stock (a device, a SIM card, a shelf), not people.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class LabelContent:
    """The generic label every layout draws: a Code 128, a bold heading, a title and a few detail lines.

    The title (a model name, an offer) may wrap onto a second line; the details are never printed
    larger than it.
    """

    barcode: str
    heading: str
    lines: tuple[str, ...] = ()
    qr_url: str = ""
    title: str = ""


@dataclass(frozen=True)
class DeviceLabel:
    asset_tag: str
    title: str  # brand and model
    kind: str
    specs: str = ""  # "8 Go · 256 Go SSD"
    grade: str = ""
    erasure: str = ""  # "Effacé le 20/11/2026"
    url: str = ""

    def content(self) -> LabelContent:
        middle = " · ".join(part for part in (self.kind, self.specs, self.grade) if part)
        lines = tuple(line for line in (middle, self.erasure) if line)
        return LabelContent(self.asset_tag, self.asset_tag, lines, self.url, title=self.title)


@dataclass(frozen=True)
class SimLabel:
    iccid: str
    offer: str  # "SFR La Carte 10 Go"
    expiry: str = ""  # "Expire le 30/06/2027"

    def content(self) -> LabelContent:
        grouped = " ".join(self.iccid[i : i + 4] for i in range(0, len(self.iccid), 4))
        return LabelContent(self.iccid, grouped, (self.expiry,) if self.expiry else (), title=self.offer)


@dataclass(frozen=True)
class ShelfLabel:
    location: str  # "A-01"
    site: str = ""  # "SD Saint-Denis"

    def content(self) -> LabelContent:
        return LabelContent(self.location, self.location, title=self.site)
