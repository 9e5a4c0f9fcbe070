"""What goes on a label: plain data, already in the words the reader will read.

A label never carries personal data: it names stock (a device, a SIM card, a shelf), not people.
One exception, deliberate: a kit label carries the beneficiary's initials (never a name, a phone
number or an address), so that a mediator finds the right bag on the pickup shelf.
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


@dataclass(frozen=True)
class KitLabel:
    """The bag of a reserved kit on the pickup shelf: scanned to hand it over, read to find it.

    The initials are the only personal data a label ever carries (see the module's docstring).
    """

    allocation: str  # the barcode: "A-2026-000123"
    referral: str  # "Orientation #42"
    initials: str  # "A. T.", never a name
    hold: str  # "À retirer avant le 10/12/2026"
    site: str = ""  # "SD Saint-Denis"
    asset_tag: str = ""  # empty for a connectivity-only kit
    sim: str = ""  # "SIM ••••1234", empty for a device-only kit

    def content(self) -> LabelContent:
        heading = " · ".join(part for part in (self.initials, self.referral) if part)
        stock = " · ".join(part for part in (self.asset_tag, self.sim) if part)
        where = " · ".join(part for part in (self.site, self.allocation) if part)
        return LabelContent(self.allocation, heading, tuple(line for line in (stock, where) if line), title=self.hold)
