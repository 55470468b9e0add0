from django import template

from jiuzhu.core.audit_values import describe_changes

register = template.Library()


@register.filter
def changes(entry) -> list[tuple[str, str, str]]:
    """An audit entry's old and new values: Chinese field names and value labels."""
    return describe_changes(entry.old or {}, entry.new or {}, entry.action)
