"""What the browser is told about a field for phones, e-mails, postal codes and years: the keyboard to show
(`inputmode`) and what it may fill in (`autocomplete`).

The pages' contact fields are about someone else (a beneficiary, a partner, a site, a colleague invited):
the keyboard fits, but the signed-in person's own saved details must not be offered, so autocomplete is off.
"""

PHONE = {"type": "tel", "inputmode": "tel", "autocomplete": "off"}
EMAIL = {"inputmode": "email", "autocomplete": "off", "spellcheck": "false"}
POSTAL_CODE = {"inputmode": "numeric", "autocomplete": "off", "maxlength": "5"}
YEAR = {"inputmode": "numeric", "autocomplete": "off", "maxlength": "4"}
