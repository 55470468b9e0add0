"""No codes in the Chinese UI: every audit action the code can write has a Chinese name, every
field it writes a Chinese label, and the audit trail, the household's change log and the case's
history show none of the codes (`case.accept`, `dibao_rural`, `draft`, an account name).

The actions and their fields are found by reading the source (every call of the audit writer),
so an action or a field added later is covered without touching this test."""

import ast
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

from jiuzhu.cases import services as case_services
from jiuzhu.cases.models import CaseEvent
from jiuzhu.cases.workflow import Action, Status
from jiuzhu.core import audit, audit_values
from jiuzhu.core.audit_labels import ACTION_LABELS
from jiuzhu.crosscheck.finding_flow import Step
from jiuzhu.programmes import models as programme_models
from jiuzhu.programmes.catalogue import PROGRAMMES
from tests.integration.case_steps import applied

SOURCE = Path(__file__).resolve().parents[2] / "jiuzhu"
WRITERS = {"audit.record", "AuditEvent", "audit.AuditEvent"}

# Actions built in an f-string: every value the placeholder takes.
DYNAMIC = {
    "case.{}": [f"case.{a.value}" for a in Action],
    "crosscheck.finding_{}": [f"crosscheck.finding_{s.value}" for s in Step],
    "settings.{}": [
        f"settings.{m._meta.model_name}"
        for m in vars(programme_models).values()
        if isinstance(m, type)
        and issubclass(m, programme_models.Dated)
        and m is not programme_models.Dated
    ],
}

# Fields written from a helper's dict rather than a literal (the source shows only `**data`).
HELPER_FIELDS = {
    "case.": [
        "date", "late", "late_reason", "missing", "investigators", "visited_on", "start_on",
        "amount", "eligible", "stop_reason", "continue_reason", "result", "votes_for",
        "votes_against", "level", "calculation_error",
    ],
    "change.": [
        "kind", "status", "effective_month", "payroll_month", "late", "old_amount", "new_amount",
        "old_text", "new_text", "enrolment_status", "monthly_amount", "payroll_from", "end_month",
        "gradual_exit_from",
    ],
    "crosscheck.snapshot_confirm_smaller": [
        "replaced_snapshot", "replaced_as_of", "replaced_rows", "replaced_townships", "rows",
        "townships",
    ],
    "crosscheck.finding_": [
        "same_person", "assignee", "verdict", "attachment", "action", "effective_month",
        "new_amount", "application", "rectification_ref", "recovery",
    ],
    "household.update": ["address", "phone", "bank_name", "bank_account"],
    "household.bank_change": ["bank_name", "bank_account"],
    "person.update": [
        "relation", "hukou_type", "labour_capacity", "disability_type", "disability_grade",
        "health_status", "ethnicity",
    ],
    "enrolment.stop": ["status", "end_month", "monthly_amount"],
    "recovery.": ["status", "recovered_amount"],
    "bank.layout_save": ["name", "columns", "csv_encoding"],
    "holidays.set": ["is_workday", "name"],
    "settings.standard": ["programme", "area", "amount", "period"],
    "settings.delegation": ["programme", "delegated"],
    "settings.addonrate": ["kind", "rate", "fixed"],
    "settings.temporarytier": ["label", "category", "multiple", "max_amount"],
    "settings.carerate": ["level", "amount"],
}  # fmt: skip


def _action_texts(node: ast.AST) -> list[str] | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        template = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
        assert template in DYNAMIC, f"an action built as f-string {template!r}: list its values"
        return DYNAMIC[template]
    return None


def written_actions() -> dict[str, set[str]]:
    """Every action the code writes, with the field names its literal old/new dicts carry."""
    found: dict[str, set[str]] = {}
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and ast.unparse(node.func) in WRITERS):
                continue
            kwargs = {k.arg: k.value for k in node.keywords if k.arg}
            target = kwargs.get("action", node.args[0] if node.args else None)
            actions = _action_texts(target) if target is not None else None
            if actions is None:
                assert path.name == "audit.py", f"{path}:{node.lineno}: the action is not a literal"
                continue
            keys = {
                k.value
                for side in ("old", "new")
                if isinstance(kwargs.get(side), ast.Dict)
                for k in kwargs[side].keys
                if isinstance(k, ast.Constant)
            }
            for action in actions:
                found.setdefault(action, set()).update(keys)
    for action, keys in found.items():
        for prefix, extra in HELPER_FIELDS.items():
            if action.startswith(prefix):
                keys.update(extra)
    return found


ACTIONS = written_actions()


def test_the_scan_finds_the_audit_writes():
    """The scan is what the other tests stand on: it must see the actions we know of."""
    for known in ("case.accept", "enrolment.stop", "crosscheck.finding_act", "settings.standard"):
        assert known in ACTIONS
    assert {"programme", "kin_registered"} <= ACTIONS["case.register"]
    assert "status" in ACTIONS["case.accept"]
    assert len(ACTIONS) > 100


def test_every_action_written_has_a_chinese_name():
    missing = sorted(a for a in ACTIONS if a not in ACTION_LABELS)
    assert not missing, f"add to jiuzhu/core/audit_labels.py ACTION_LABELS: {missing}"
    assert all(re.search(r"[\u4e00-\u9fff]", ACTION_LABELS[a]) for a in ACTIONS)


def test_every_field_written_has_a_chinese_label():
    missing = sorted(
        f"{action}: {key}"
        for action, keys in ACTIONS.items()
        for key in keys
        if not audit_values.has_field_label(key, action)
    )
    assert not missing, f"add to the app's audit_fields.py: {missing}"


# --- the pages --------------------------------------------------------------------------------

CASE_STATUS_CODES = [s.value for s in Status]
PROGRAMME_CODES = [p.code for p in PROGRAMMES]
IDENTIFIER = re.compile(r"(?<![A-Za-z0-9_])[a-z_]+\.[a-z_]+(?![A-Za-z0-9_])")


def _codes_of(key: str, action: str) -> list[str]:
    for table in audit_values._tables(action):
        if key in table.values:
            return [c for c in table.values[key] if c]
    return []


def sample_value(key: str, action: str, turn: int):
    """A realistic stored value: one of the field's codes in turn, a date, a month, a count."""
    codes = _codes_of(key, action)
    if codes:
        return codes[turn % len(codes)]
    if key.endswith(("_on", "as_of", "date", "day", "_from")) and key != "payroll_from":
        return "2026-03-05"
    if key.endswith("month") or key == "payroll_from":
        return "2026-03"
    if key in {"late", "eligible", "passed", "kin_registered", "extended", "is_workday"}:
        return True
    if key in {"investigators"}:
        return ["zhang-officer"]
    return 3


class _VisibleText(HTMLParser):
    """The text a reader sees: no tags, attributes, scripts or styles."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


def codes_in(text: str, *, words: list[str]) -> list[str]:
    found = IDENTIFIER.findall(text)
    found += [m for m in re.findall(r"dibao_\w*", text)]
    for word in words:
        # not after a dot: a file's extension ("433123_fenghuang.csv") is not a stored code
        if re.search(rf"(?<![A-Za-z0-9_.\-]){re.escape(word)}(?![A-Za-z0-9_\-])", text):
            found.append(word)
    return found


@pytest.fixture
def trail(users, make_household):
    """An audit entry for every action the code writes, on one household, by a named officer."""
    officer = users["officer_a"]
    officer.username, officer.full_name = "zhang-officer", "张三"
    officer.save()
    for key in ("inspector", "county"):
        users[key].full_name = "李四" if key == "inspector" else "王五"
        users[key].save()
    household = make_household(head_name="龙大山")
    sampled: set[str] = set()
    for turn, (action, keys) in enumerate(sorted(ACTIONS.items())):
        keys = sorted(keys | {"status"} if action.startswith("case.") else keys)
        old = {k: sample_value(k, action, turn) for k in keys if k in {"status", "action"}}
        new = {k: sample_value(k, action, turn + 1) for k in keys}
        sampled.update(v for v in [*old.values(), *new.values()] if isinstance(v, str))
        audit.record(
            action=action,
            actor=officer,
            obj=household,
            household_id=household.pk,
            old=old,
            new=new,
            reason="核实情况属实",
        )
    return household, officer, sampled


def _forbidden(officer, sampled) -> list[str]:
    codes = [c for c in sampled if re.fullmatch(r"[a-z][a-z_]{2,}", c)]
    return sorted({*CASE_STATUS_CODES, *PROGRAMME_CODES, officer.username, *codes})


def test_audit_trail_speaks_chinese(client, users, trail):
    household, officer, sampled = trail
    client.force_login(users["inspector"])
    words = _forbidden(officer, sampled)
    first = client.get(reverse("audit:list"))
    pages = first.context["page"].paginator.num_pages
    assert first.context["page"].paginator.count >= len(ACTIONS)
    texts = [visible_text(first.content.decode())]
    texts += [
        visible_text(client.get(reverse("audit:list"), {"page": n}).content.decode())
        for n in range(2, pages + 1)
    ]
    leaks = {code for text in texts for code in codes_in(text, words=words)}
    assert not leaks, f"codes shown on the audit trail: {sorted(leaks)}"
    everything = " ".join(text[text.index("内容（原值 → 新值）") :] for text in texts)
    # the things that were codes are there in Chinese (in the table, not only in the filters'
    # dropdowns), the operator by name and role
    for shown in ("张三（乡镇民政经办人员）", "最低生活保障", "停发", "登记", "已受理"):
        assert shown in everything, shown


def test_household_change_log_speaks_chinese(client, users, trail):
    household, officer, sampled = trail
    client.force_login(users["officer_a"])
    page = client.get(reverse("registry:household_detail", args=[household.pk]), follow=True)
    body = page.content.decode()
    text = visible_text(body)
    assert "张三（乡镇民政经办人员）" in text
    leaks = codes_in(text, words=_forbidden(officer, sampled))
    assert not leaks, f"codes shown on the household page: {sorted(set(leaks))}"


def test_case_history_speaks_chinese(client, users, make_household):
    officer = users["officer_a"]
    officer.username, officer.full_name = "zhang-officer", "张三"
    officer.save()
    household = make_household(head_name="石大妹")
    app = case_services.application_register(
        actor=officer,
        household_id=household.pk,
        programme_code="dibao_rural",
        reason="因病致贫",
        **applied(5),
    )
    statuses = list(Status)
    CaseEvent.objects.bulk_create(
        CaseEvent(
            application=app,
            action=action.value,
            from_status=statuses[i % len(statuses)].value,
            to_status=statuses[(i + 1) % len(statuses)].value,
            actor=officer,
            reason="按规定办理",
            data={"date": date(2026, 3, 5).isoformat()},
        )
        for i, action in enumerate(Action)
    )
    client.force_login(officer)
    text = visible_text(client.get(reverse("cases:detail", args=[app.pk])).content.decode())
    assert "张三（乡镇民政经办人员）" in text and "材料不全，已一次性告知" in text
    leaks = codes_in(text, words=sorted({*CASE_STATUS_CODES, *PROGRAMME_CODES, "zhang-officer"}))
    leaks += [a.value for a in Action if re.search(rf"(?<![a-z_]){a.value}(?![a-z_])", text)]
    assert not leaks, f"codes shown on the case page: {sorted(set(leaks))}"


def test_the_check_itself_catches_a_code():
    """The detector must fail on what it is meant to catch, or the tests above prove nothing."""
    text = visible_text("<p>状态：draft → incomplete</p><p title='case.accept'>受理</p>")
    assert codes_in(text, words=["draft"]) == ["draft"]
    assert codes_in(visible_text("<td>case.accept</td>"), words=[]) == ["case.accept"]
    assert codes_in("退出（dibao_urban）", words=[]) == ["dibao_urban"]
    assert codes_in("<script>x.y</script>", words=[]) != [] and not codes_in(
        visible_text("<script>a.b</script>"), words=[]
    )
