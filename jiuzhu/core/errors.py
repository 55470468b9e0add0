"""One error hierarchy: every message is Chinese and safe to show to the user."""


class JiuzhuError(Exception):
    """Base of every error a service raises on purpose."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class PermissionDenied(JiuzhuError):
    pass


class ValidationFailed(JiuzhuError):
    pass


class Conflict(JiuzhuError):
    """Someone else changed the object first; reload and try again."""
