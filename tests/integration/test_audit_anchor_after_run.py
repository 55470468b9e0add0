"""The monthly cross-check run anchors the audit chain once it has committed, and the tens of
thousands of entries it writes hold no full ID number although the registries it reads do."""

import json
import re

import pytest

from jiuzhu.core import audit
from jiuzhu.core.crypto import decrypt
from jiuzhu.core.models import AuditAnchor, AuditEntry
from jiuzhu.crosscheck.models import CheckRun
from jiuzhu.crosscheck.run import crosscheck_run
from tests.integration.test_crosscheck_run import death_snapshot, recipient  # noqa: F401

pytestmark = pytest.mark.django_db
FULL_ID = re.compile(r"\d{17}[\dXx]")


def test_a_run_is_anchored_after_it_commits(
    users,
    recipient,  # noqa: F811 (the fixture imported above)
    tmp_path,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.JIUZHU_SNAPSHOT_DIR = tmp_path / "snap"
    _, person, _ = recipient
    death_snapshot(users["county"], f"龙老汉,{decrypt(person.id_cipher)},,,,2026-08-15,火化\n")
    with django_capture_on_commit_callbacks(execute=True):
        run = crosscheck_run(actor=users["county"], month="2026-11", inline=True)
        assert not AuditAnchor.objects.exists()  # nothing before the run's work commits
    run.refresh_from_db()
    assert run.status == CheckRun.Status.DONE, run.message
    anchor = AuditAnchor.objects.get()
    assert anchor.made_by == f"月度比对#{run.pk}（2026-11）"
    raised = AuditEntry.objects.get(action="crosscheck.finding_raise")
    assert raised.seq <= anchor.seq  # the run's entries are under the anchor
    assert audit.verify()[1] is None
    for entry in AuditEntry.objects.all():
        text = json.dumps(
            [entry.old, entry.new, entry.reason, entry.object_repr], ensure_ascii=False
        )
        assert not FULL_ID.search(text), entry.action
