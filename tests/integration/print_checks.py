"""Checks of a printed document (views_print's conventions): the empty value cells of the sheet
(``<div id="document">``). A value cell is an element marked ``doc-value`` or any table cell;
a space left blank to be written by hand is marked ``doc-fill`` and is not a value. Shared with
the browser test that opens every print page."""

from html.parser import HTMLParser

VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "col", "wbr"})
BLANK = " \t\r\n\u00a0\u3000\u2003"


class _Cells(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[dict] = []  # open elements: tag, in the sheet, kind, text so far
        self.empty: list[str] = []
        self.values = 0

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        in_sheet = attrs.get("id") == "document" or bool(self.stack and self.stack[-1]["sheet"])
        kind = None
        if in_sheet and "doc-fill" not in classes:
            if "doc-value" in classes:
                kind = "doc-value"
            elif tag == "td":
                kind = "td"
        self.stack.append({"tag": tag, "sheet": in_sheet, "kind": kind, "text": [], "attrs": attrs})

    def handle_endtag(self, tag):
        while self.stack:
            frame = self.stack.pop()
            if frame["kind"]:
                self.values += frame["kind"] == "doc-value"
                if not "".join(frame["text"]).strip(BLANK):
                    where = frame["attrs"].get("id") or frame["attrs"].get("class") or ""
                    self.empty.append(f"<{frame['tag']} {where}>")
            if frame["tag"] == tag:
                return

    def handle_data(self, data):
        for frame in self.stack:
            frame["text"].append(data)


def empty_value_cells(html: str) -> list[str]:
    """The value cells of the sheet with no text (e.g. ``姓名：</td><td></td>``)."""
    parser = _Cells()
    parser.feed(html)
    parser.close()
    return parser.empty


def value_cell_count(html: str) -> int:
    """How many ``doc-value`` cells the sheet has (a check that the checker saw the sheet)."""
    parser = _Cells()
    parser.feed(html)
    parser.close()
    return parser.values
