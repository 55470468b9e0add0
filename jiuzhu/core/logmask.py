"""A logging filter that masks full resident ID numbers in whatever a handler writes: the
message, and the traceback of a logged exception (a database or DuckDB error may quote the row
it failed on). Installed on the console handler in settings.LOGGING, so that no log line, from
our code or a library's, carries a full ID number (ARCHITECTURE rule 6)."""

from __future__ import annotations

import logging

from . import idguard


class MaskIdNumbers(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if idguard.may_hold_id(message):
            record.msg, record.args = idguard.mask_ids(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and idguard.may_hold_id(record.exc_text):
            record.exc_text = idguard.mask_ids(record.exc_text)
        if record.stack_info and idguard.may_hold_id(record.stack_info):
            record.stack_info = idguard.mask_ids(record.stack_info)
        return True
