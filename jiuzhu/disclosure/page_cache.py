"""A short-lived, in-process copy of each village's rendered recipient page.

What it buys: the page is the same for every visitor and costs about 8 ms of Python (middleware,
selectors, template) for 2 ms of SQL; under 50 concurrent visitors on a 2-core server the
rendering, not the database, is the limit (docs/benchmarks.md, "公开页面"). Keeping the rendered
bytes for JIUZHU_PUBLIC_CACHE_SECONDS (30 by default) makes a repeated request a dictionary
look-up. The price: a change (a new recipient, a household the county withholds) reaches the
public page up to that many seconds later; 0 turns the copy off (the tests do).

Per process (waitress runs one process with threads), bounded by the number of villages: only a
page that rendered (a real village) is kept. Holds public content only."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpResponse

_pages: dict[tuple, tuple[float, bytes, str]] = {}
_lock = threading.Lock()


def cached(key: tuple, render: Callable[[], HttpResponse]) -> HttpResponse:
    seconds = getattr(settings, "JIUZHU_PUBLIC_CACHE_SECONDS", 0)
    if seconds <= 0:
        return render()
    now = time.monotonic()
    hit = _pages.get(key)
    if hit is not None and hit[0] > now:
        return HttpResponse(hit[1], content_type=hit[2])
    response = render()
    if response.status_code == 200:
        with _lock:
            _pages[key] = (now + seconds, response.content, response["Content-Type"])
    return response
