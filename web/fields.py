"""Form fields the pages share."""

from django import forms

from common.parsing import day_in_range, day_range_message, parse_day


class DayField(forms.DateField):
    """A day between 2000-01-01 and 2100-12-31: ISO (a date input) through common.parsing.parse_day,
    or a day typed in the language's format; anything else is an error beside the field, never a 500."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str) and (day := parse_day(value)) is not None:
            return day
        day = super().to_python(value)
        if day is not None and not day_in_range(day):
            raise forms.ValidationError(day_range_message(), code="invalid_day")
        return day
