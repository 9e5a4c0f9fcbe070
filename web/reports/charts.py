"""The dashboard's charts, drawn on the server as SVG with pygal: no script, no web font, in the reader's language.

pygal writes a small configuration script into every chart (for its optional tooltips): it is taken out, so
the SVG is a picture only. The charts are served as images (`<img src=…svg>`), so their own stylesheet never
meets the pages' Content-Security-Policy; every chart has the same figures in a table beside it.
"""

import xml.etree.ElementTree as ET

import pygal
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from pygal.style import Style

from inventory.enums import DeviceStatus

FONT = "'DejaVu Sans', 'Liberation Sans', Arial, Helvetica, sans-serif"
# Colours that stay apart in greyscale print and for the common colour-blindnesses (Okabe–Ito).
STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1f2933",
    foreground_strong="#1f2933",
    foreground_subtle="#52606d",
    opacity="1",
    opacity_hover="1",
    colors=("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"),
    font_family=FONT,
    label_font_family=FONT,
    major_label_font_family=FONT,
    value_font_family=FONT,
    value_label_font_family=FONT,
    title_font_family=FONT,
    legend_font_family=FONT,
    tooltip_font_family=FONT,
    no_data_font_family=FONT,
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=13,
    value_font_size=13,
    title_font_size=16,
    no_data_font_size=24,
)


def _config(**options):
    return {
        "style": STYLE,
        "js": [],
        "disable_xml_declaration": True,
        "width": 800,
        "explicit_size": True,
        "height": 400,
        "legend_at_bottom": True,
        "no_data_text": _("No data for this period"),
        "show_y_guides": True,
        "x_label_rotation": 0,
        "truncate_label": -1,
        **options,
    }


def integer_axis(chart, top: int) -> None:
    """Whole numbers on the value axis (pygal would show 0.1 steps for small counts), at most about ten."""
    if not chart.raw_series:
        return  # no series: pygal draws its "no data" text, and fails on labels for an axis it has not made
    step = max(1, -(-top // 10))
    chart.y_labels = list(range(0, max(top, 1) + step, step))


def to_svg(chart) -> bytes:
    """The chart's SVG without pygal's script."""
    root = chart.render_tree()
    for parent in list(root.iter()):
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return ET.tostring(root, encoding="utf-8")


def month_label(month) -> str:
    # "N": the month's abbreviation in the reader's language ("juin", "juil." — "M" gives "jui" for both).
    return formats.date_format(month, "N Y")


def handovers_chart(series: dict) -> bytes:
    # Twelve month names side by side run together in 800 px: slant them, as the SIM chart does.
    chart = pygal.StackedBar(**_config(title=_("Handovers per month and site"), x_label_rotation=30))
    chart.x_labels = [month_label(m) for m in series["months"]]
    for site, counts in series["sites"].items():
        chart.add(site, counts)
    integer_axis(chart, max(map(sum, zip(*series["sites"].values(), strict=True)), default=0))
    return to_svg(chart)


def bucket_label(low: int, high: int | None) -> str:
    if high is None:
        return _("%(days)s days or more") % {"days": low}
    return _("%(low)s to %(high)s days") % {"low": low, "high": high - 1}


def waiting_chart(buckets: list) -> bytes:
    chart = pygal.Bar(**_config(title=_("Days from referral to handover"), show_legend=False, print_values=True))
    chart.x_labels = [bucket_label(*bucket) for bucket, _count in buckets]
    chart.add(_("Kits"), [count for _bucket, count in buckets])
    integer_axis(chart, max((count for _bucket, count in buckets), default=0))
    return to_svg(chart)


def grade_label(grade: str) -> str:
    return grade or _("No grade yet")


def stock_chart(table: dict, grades: list[str]) -> bytes:
    chart = pygal.StackedBar(**_config(title=_("Devices in stock by status and grade"), x_label_rotation=20))
    statuses = list(table)
    chart.x_labels = [str(DeviceStatus(status).label) for status in statuses]
    for grade in grades:
        chart.add(grade_label(grade), [table[status].get(grade, 0) for status in statuses])
    integer_axis(chart, max((sum(table[status].values()) for status in statuses), default=0))
    return to_svg(chart)


def sims_chart(expiry: dict) -> bytes:
    chart = pygal.Bar(
        **_config(
            title=_("SIM cards and vouchers available, by month of expiry"),
            show_legend=False,
            print_values=True,
            x_label_rotation=30,
        )
    )
    labels = [pgettext("SIM cards", "Expired")] + [month_label(month) for month, _n in expiry["months"]] + [_("Later")]
    chart.x_labels = labels
    values = [expiry["expired"]] + [n for _m, n in expiry["months"]] + [expiry["later"]]
    chart.add(_("Available"), values)
    integer_axis(chart, max(values))
    return to_svg(chart)
