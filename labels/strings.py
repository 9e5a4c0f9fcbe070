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
        "erasure_certified": "certifié le {date} ({method})",
        "erasure_none": "non certifié",
        "erasure_done": "données effacées le {date} ({method}), sans certificat",
        "title_topup": "recharge",
        "title_swap": "échange sous garantie",
        "instructions": "Mode d'emploi",
        "swap": "Échange sous garantie",
        "replaces_device": "Remplace l'appareil",
        "first_receipt": "Attestation d'origine",
        "sign_here": "Signature",
        "recorded_by": "Remise enregistrée le {date} à {time} par {name}, sous son compte.",
        "grade_PREMIUM": "Comme neuf",
        "grade_A": "Très bon état",
        "grade_B": "Bon état",
        "grade_C": "État correct",
        "grade_D": "Traces d'usage visibles",
        "method_nist_clear": "effacement NIST 800-88 (Clear)",
        "method_nist_purge": "effacement NIST 800-88 (Purge)",
        "method_crypto_erase": "effacement cryptographique",
        "method_factory_reset": "remise à zéro d'usine",
        "method_destruction": "destruction du support",
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
        "signed_on_paper": "Signé sur papier : l'exemplaire signé est conservé par l'association.",
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
        "erasure_certified": "certified on {date} ({method})",
        "erasure_none": "not certified",
        "erasure_done": "data erased on {date} ({method}), not certified",
        "title_topup": "top-up",
        "title_swap": "warranty swap",
        "instructions": "How to use it",
        "swap": "Warranty swap",
        "replaces_device": "Replaces the device",
        "first_receipt": "First receipt",
        "sign_here": "Signature",
        "recorded_by": "Handover recorded on {date} at {time} by {name}, under their own account.",
        "grade_PREMIUM": "Like new",
        "grade_A": "Very good condition",
        "grade_B": "Good condition",
        "grade_C": "Fair condition",
        "grade_D": "Visible signs of use",
        "method_nist_clear": "NIST 800-88 erasure (Clear)",
        "method_nist_purge": "NIST 800-88 erasure (Purge)",
        "method_crypto_erase": "cryptographic erasure",
        "method_factory_reset": "factory reset",
        "method_destruction": "destruction of the storage",
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
        "signed_on_paper": "Signed on paper: the association keeps the signed copy.",
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
