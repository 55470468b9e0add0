from django import template

from jiuzhu.registry.audit_display import describe_changes

register = template.Library()


@register.filter
def changes(entry) -> list[tuple[str, str, str]]:
    return describe_changes(entry.old or {}, entry.new or {})
