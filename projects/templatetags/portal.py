"""Template filters for the portal: money in won and years as readers expect them."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from busanportal.i18n import active_content_language
from projects import progress

register = template.Library()

EOK = 100_000_000  # 억: Korean counts large sums in units of 10^8
JO = 10_000 * EOK  # 조: 10^12


@register.filter
def krw(amount):
    """A readable amount in won: 'KRW 190.2 billion' in English, '1,902억 원' in Korean."""
    if amount is None:
        return ""
    amount = int(amount)
    if active_content_language() == "ko":
        if amount >= JO:
            return (
                f"{number_format(round(amount / JO, 1), use_l10n=False, force_grouping=True)}조 원"
            )
        if amount >= EOK:
            eok = amount / EOK
            shown = int(eok) if eok == int(eok) else round(eok, 1)
            return f"{number_format(shown, force_grouping=True)}억 원"
        return f"{number_format(amount, force_grouping=True)}원"
    for size, word in ((10**12, _("trillion")), (10**9, _("billion")), (10**6, _("million"))):
        if amount >= size:
            value = round(amount / size, 1)
            shown = int(value) if value == int(value) else value
            return _("KRW %(value)s %(unit)s") % {"value": shown, "unit": word}
    return _("KRW %(value)s") % {"value": number_format(amount, force_grouping=True)}


@register.filter
def won(amount):
    """The exact integer amount with digit grouping, e.g. '190,200,000,000'."""
    if amount is None:
        return ""
    return number_format(int(amount), force_grouping=True)


@register.filter
def quantity(quantity):
    """A quantity with its unit: '660,000 m²' in English; Korean writes the unit without a
    space ('2개 동', '18개소', '660,000㎡')."""
    separator = "" if active_content_language() == "ko" else " "
    return f"{won(quantity.value)}{separator}{quantity.unit}"


@register.filter
def elided_pages(page):
    """Page numbers around the current one, with the first and last, and ellipses between:
    a fixed-size control however many pages there are."""
    return page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)


@register.filter
def report_date(value):
    """A report's date: '30 Nov 2026' in English, '2026년 11월 30일' in Korean."""
    return progress.report_date(value) if value else ""
