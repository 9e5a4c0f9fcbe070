"""The words of the A4 documents in French and English: a small table, so that the renderers stay pure.

The caller passes the language of the document ("fr" or "en"); what the caller already holds in the
reader's words (names, model, offer, the warranty's terms) comes in the data as it is.
"""

import datetime as dt
from decimal import Decimal

LANGUAGES = ("fr", "en")

STRINGS: dict[str, dict[str, str]] = {
    "fr": {
        "receipt_title": "Attestation de remise de matériel",
        "copy_beneficiary": "Exemplaire bénéficiaire",
        "copy_association": "Exemplaire association",
        "duplicate": "DUPLICATA",
        "receipt_number": "Attestation n°",
        "date": "Date",
        "handed_by": "Remis par",
        "handed_to": "Remis à",
        "device": "Appareil",
        "kind": "Type",
        "brand_model": "Marque et modèle",
        "asset_tag": "N° d'inventaire",
        "serial": "N° de série",
        "imei": "IMEI",
        "grade": "État",
        "condition": "Occasion – reconditionné",
        "erasure": "Effacement des données",
        "erasure_certified": "certifié le {date}, méthode {method}",
        "erasure_none": "non certifié",
        "connectivity": "Connexion",
        "operator": "Opérateur",
        "offer": "Offre",
        "iccid": "ICCID (carte SIM)",
        "valid_until": "Valable jusqu'au",
        "voucher": "Code de recharge",
        "accessories": "Accessoires",
        "none": "aucun",
        "contribution": "Participation",
        "free": "gratuit",
        "cash": "espèces",
        "card": "carte bancaire",
        "warranty": "Garantie",
        "warranty_line": "{months} mois, jusqu'au {until}.",
        "notice": "Information sur vos données",
        "notice_line": "Notice d'information, version {version} : {where}",
        "signatures": "Signatures",
        "beneficiary_signature": "Le bénéficiaire",
        "mediator_signature": "Le médiateur",
        "signed_on_paper": "Signé sur papier",
        "page": "page {page}",
        "smartphone": "Smartphone",
        "feature_phone": "Téléphone simple",
        "tablet": "Tablette",
        "laptop": "Ordinateur portable",
        "desktop": "Ordinateur fixe",
        "certificate_title": "Certificat d'effacement et de devenir des appareils",
        "donor": "Donateur",
        "batch": "Lot",
        "received_on": "reçu le",
        "device_count": "{count} appareils",
        "col_asset_tag": "N° d'inventaire",
        "col_kind": "Type",
        "col_model": "Marque / modèle",
        "col_serial": "N° de série / IMEI",
        "col_method": "Méthode",
        "col_tool": "Outil",
        "col_date": "Date",
        "col_result": "Résultat",
        "col_certificate": "Réf. certificat",
        "col_outcome": "Devenir",
        "passed": "réussi",
        "failed": "échec",
        "reused": "réemployé",
        "parts": "pièces",
        "recycled": "recyclé",
        "in_progress": "en cours",
        "not_wiped": "pas encore effacé",
    },
    "en": {
        "receipt_title": "Equipment handover receipt",
        "copy_beneficiary": "Beneficiary's copy",
        "copy_association": "Association's copy",
        "duplicate": "DUPLICATE",
        "receipt_number": "Receipt no.",
        "date": "Date",
        "handed_by": "Handed over by",
        "handed_to": "Handed over to",
        "device": "Device",
        "kind": "Kind",
        "brand_model": "Brand and model",
        "asset_tag": "Asset tag",
        "serial": "Serial number",
        "imei": "IMEI",
        "grade": "Grade",
        "condition": "Used – refurbished",
        "erasure": "Data erasure",
        "erasure_certified": "certified on {date}, method {method}",
        "erasure_none": "not certified",
        "connectivity": "Connectivity",
        "operator": "Operator",
        "offer": "Offer",
        "iccid": "ICCID (SIM card)",
        "valid_until": "Valid until",
        "voucher": "Top-up code",
        "accessories": "Accessories",
        "none": "none",
        "contribution": "Contribution",
        "free": "free",
        "cash": "cash",
        "card": "card",
        "warranty": "Warranty",
        "warranty_line": "{months} months, until {until}.",
        "notice": "About your data",
        "notice_line": "Information notice, version {version}: {where}",
        "signatures": "Signatures",
        "beneficiary_signature": "The beneficiary",
        "mediator_signature": "The mediator",
        "signed_on_paper": "Signed on paper",
        "page": "page {page}",
        "smartphone": "Smartphone",
        "feature_phone": "Feature phone",
        "tablet": "Tablet",
        "laptop": "Laptop",
        "desktop": "Desktop computer",
        "certificate_title": "Certificate of data erasure and device outcome",
        "donor": "Donor",
        "batch": "Batch",
        "received_on": "received on",
        "device_count": "{count} devices",
        "col_asset_tag": "Asset tag",
        "col_kind": "Kind",
        "col_model": "Brand / model",
        "col_serial": "Serial / IMEI",
        "col_method": "Method",
        "col_tool": "Tool",
        "col_date": "Date",
        "col_result": "Result",
        "col_certificate": "Certificate ref.",
        "col_outcome": "Outcome",
        "passed": "passed",
        "failed": "failed",
        "reused": "reused",
        "parts": "parts",
        "recycled": "recycled",
        "in_progress": "in progress",
        "not_wiped": "not wiped yet",
    },
}


class Words:
    """One language's words: `words["device"]`, `words.word("laptop")` (a code left as it is if unknown)."""

    def __init__(self, language: str) -> None:
        if language not in STRINGS:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
        self.language = language
        self.table = STRINGS[language]

    def __getitem__(self, key: str) -> str:
        return self.table[key]

    @property
    def colon(self) -> str:
        """French typography puts a space before the colon; English does not."""
        return " : " if self.language == "fr" else ": "

    def word(self, code: str) -> str:
        return self.table.get(code, code)

    def date(self, day: dt.date | None) -> str:
        if day is None:
            return ""
        return day.strftime("%d/%m/%Y")

    def money(self, amount: Decimal) -> str:
        text = f"{amount:,.2f}"
        if self.language == "fr":
            return text.replace(",", "\xa0").replace(".", ",") + " €"
        return "€" + text
