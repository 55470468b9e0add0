"""No full ID number in a log line: the console handler's filter masks the message and the
traceback of a logged exception."""

import io
import logging
from datetime import date

from django.conf import settings

from jiuzhu.core.idnumber import make_resident_id
from jiuzhu.core.logmask import MaskIdNumbers
from jiuzhu.core.masking import mask_id_number

ID = make_resident_id(region_code="433123", birth_date=date(1980, 2, 2), sequence=5, sex="F")


def logged(emit) -> str:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(MaskIdNumbers())
    logger = logging.getLogger("jiuzhu.test.logmask")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        emit(logger)
    finally:
        logger.removeHandler(handler)
    return out.getvalue()


def test_the_message_and_the_traceback_are_masked():
    def emit(logger):
        logger.warning("import row for %s failed", ID)
        try:
            raise ValueError(f"Could not convert string '{ID}' to INT32")
        except ValueError:
            logger.exception("crosscheck run %s failed", 7)

    text = logged(emit)
    assert ID not in text
    assert f"import row for {mask_id_number(ID)} failed" in text
    assert f"Could not convert string '{mask_id_number(ID)}'" in text
    assert "crosscheck run 7 failed" in text and "Traceback" in text


def test_other_lines_are_left_as_they_are():
    text = logged(lambda logger: logger.warning("run %s took %.1f s", 12, 3.25))
    assert text == "run 12 took 3.2 s\n"


def test_the_console_handler_has_the_filter():
    console = settings.LOGGING["handlers"]["console"]
    assert "mask_id_numbers" in console["filters"]
    assert (
        settings.LOGGING["filters"]["mask_id_numbers"]["()"] == "jiuzhu.core.logmask.MaskIdNumbers"
    )
