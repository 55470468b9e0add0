"""File downloads of spreadsheets, and the registry of the views that serve them.

The response helpers take only an :class:`~jiuzhu.core.spreadsheet.Export` (made by the guarded
writer), never raw bytes, and give it a safe Chinese file name (RFC 5987 encoding, which every
browser reads). Every view that returns one is decorated with :func:`export_view`; the
formula-injection test downloads every URL whose view carries it, and a structural test fails
when a function returns a spreadsheet response without it (tests/unit/test_export_guard.py).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from urllib.parse import quote

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse

from .spreadsheet import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, Export, safe_file_name

GUARDED = "jiuzhu_guarded_export"  # set on the responses made here


@dataclass(frozen=True)
class ExportSpec:
    """How a registered export view is asked for its file: the query it needs besides the
    user's filters (for example ``format=xlsx`` on a list page)."""

    query: dict[str, str] = field(default_factory=dict)


EXPORT_VIEWS: list = []  # every function decorated with export_view, in import order


def _is_spreadsheet(response) -> bool:
    content_type = response.get("Content-Type", "") if hasattr(response, "get") else ""
    return content_type.startswith((XLSX_CONTENT_TYPE, CSV_CONTENT_TYPE))


def export_view(view=None, *, query: dict[str, str] | None = None):
    """Register a view that serves an Excel or CSV export.

    Use as ``@export_view`` or ``@export_view(query={"format": "xlsx"})``. The view is marked
    (``view.jiuzhu_export``) so the URL resolver's patterns show every export, and a spreadsheet
    response that did not come from the helpers below is refused.
    """

    def decorate(func):
        @functools.wraps(func)
        def wrapper(request, *args, **kwargs):
            response = func(request, *args, **kwargs)
            if _is_spreadsheet(response) and not getattr(response, GUARDED, False):
                raise ImproperlyConfigured("spreadsheet responses come from jiuzhu.core.downloads")
            return response

        wrapper.jiuzhu_export = ExportSpec(query=dict(query or {}))
        EXPORT_VIEWS.append(wrapper)
        return wrapper

    return decorate(view) if view is not None else decorate


def file_response(data: bytes, file_name: str, content_type: str) -> HttpResponse:
    """A download that is not a spreadsheet (an evidence attachment, a text report): the name
    encoded for every browser, never sniffed as another type."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(file_name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _response(export: Export, file_name: str, expected: str) -> HttpResponse:
    if not isinstance(export, Export):
        raise TypeError("downloads serve only what jiuzhu.core.spreadsheet wrote")
    if export.format != expected:
        raise TypeError(f"expected a {expected} export, got {export.format}")
    name = safe_file_name(file_name, export.suffix)
    response = HttpResponse(export.data, content_type=export.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    setattr(response, GUARDED, True)
    return response


def xlsx_response(export: Export, file_name: str) -> HttpResponse:
    return _response(export, file_name, "xlsx")


def csv_response(export: Export, file_name: str) -> HttpResponse:
    return _response(export, file_name, "csv")
