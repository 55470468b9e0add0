"""Audit values as an officer reads them. The mechanism lives in jiuzhu.core.audit_values; the
registry's own labels in jiuzhu.registry.audit_fields."""

from jiuzhu.core.audit_values import describe_changes

__all__ = ["describe_changes"]
