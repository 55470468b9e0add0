"""Template helpers of the 系统管理 area."""

import re

from django import template
from django.urls import reverse
from django.utils.html import format_html

from jiuzhu.accounts.roles import Perm

register = template.Library()

_MISSING_YEAR = re.compile(r"^([0-9]{4})年节假日安排未录入")


@register.simple_tag(takes_context=True)
def deadline_warning(context, warning: str):
    """A deadline's warning; when it says a year's holidays are missing, where to enter them:
    the county administrator gets a link to the year's page, anyone else is told who does it."""
    match = _MISSING_YEAR.match(warning)
    if match is None:
        return warning
    user = context.get("user")
    if user is not None and getattr(user, "can", None) and user.can(Perm.MANAGE_SETTINGS):
        url = reverse("sysadmin:holidays_year", args=[int(match.group(1))])
        return format_html(
            '{} <a href="{}" class="holiday-missing-link">去录入{}年节假日</a>',
            warning,
            url,
            match.group(1),
        )
    return format_html("{}（请县级管理员在“系统管理 → 节假日”中录入）", warning)
