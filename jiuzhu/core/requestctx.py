"""The current request's client IP, for audit rows written deep inside services."""

from contextvars import ContextVar

current_ip: ContextVar[str] = ContextVar("current_ip", default="")
