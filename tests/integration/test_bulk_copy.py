"""core.bulk.copy_insert writes with COPY the rows bulk_create would write for the same values:
defaults of the fields not given, auto_now_add times, JSON values, given primary keys."""

import pytest
from django.db import connection
from django.utils import timezone

from jiuzhu.core import bulk
from jiuzhu.core.models import JobRun

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def postgres_only(db):
    if connection.vendor != "postgresql":
        pytest.skip("COPY is used on PostgreSQL only")


def stored(ids):
    return [
        {k: v for k, v in row.items() if k not in ("id", "created_at")}
        for row in JobRun.objects.filter(pk__in=ids).order_by("id").values()
    ]


def test_rows_as_tuples_or_dicts_equal_bulk_create(users):
    user, now = users["county"], timezone.now()
    given = ("kind", "title", "status", "started_by_id", "result", "started_at")
    rows = [
        ("import", "导入「一」", JobRun.Status.RUNNING, user.pk, {"n": 1, "名": ["甲", None]}, now),
        ("import", "tab\there\nnewline \\ back", "failed", None, "just a string", None),
        ("crosscheck", "", "queued", None, [], None),
    ]
    before = timezone.now()
    ids = bulk.copy_insert(JobRun, rows, given)
    assert ids == sorted(ids) and len(set(ids)) == 3
    expected = JobRun.objects.bulk_create(
        [JobRun(**dict(zip(given, row, strict=True))) for row in rows]
    )
    assert stored(ids) == stored([j.pk for j in expected])
    copied = list(JobRun.objects.filter(pk__in=ids).order_by("id"))
    assert [j.result for j in copied] == [{"n": 1, "名": ["甲", None]}, "just a string", []]
    assert all(before <= j.created_at <= timezone.now() for j in copied)
    assert (copied[1].total, copied[1].message, copied[1].log) == (0, "", "")

    as_dicts = bulk.copy_insert(JobRun, [dict(zip(given, row, strict=True)) for row in rows], given)
    assert stored(as_dicts) == stored(ids)


def test_one_field_and_given_primary_keys():
    [first] = bulk.copy_insert(JobRun, [{"kind": "only"}], ["kind"])
    job = JobRun.objects.get(pk=first)
    assert (job.kind, job.title, job.status, job.result) == ("only", "", "queued", {})
    pks = [first + 1000, first + 1001]
    assert bulk.copy_insert(JobRun, [(pks[0], "a"), (pks[1], "b")], ["id", "kind"]) == pks
    assert list(
        JobRun.objects.filter(pk__in=pks).values_list("kind", flat=True).order_by("id")
    ) == ["a", "b"]
    assert bulk.copy_insert(JobRun, [], ["kind"]) == []


def test_append_streams_a_generator_and_the_database_numbers_the_rows(users):
    user, now = users["county"], timezone.now()
    given = ("kind", "title", "status", "started_by_id", "result", "started_at")
    produced = []

    def rows():  # consumed while the COPY is open, one row at a time
        for i in range(3):
            produced.append(i)
            yield {
                "kind": "import",
                "title": f"第{i}批",
                "status": "done",
                "started_by_id": user.pk,
                "result": {"n": i},
                "started_at": now,
            }

    before = JobRun.objects.order_by("-id").values_list("id", flat=True).first() or 0
    assert bulk.copy_append(JobRun, rows(), given) == 3 and produced == [0, 1, 2]
    jobs = list(JobRun.objects.filter(pk__gt=before).order_by("id"))
    assert [(j.title, j.result, j.started_at) for j in jobs] == [
        (f"第{i}批", {"n": i}, now) for i in range(3)
    ]
    assert bulk.copy_append(JobRun, iter(()), given) == 0
    # the sequence goes on after the rows the database numbered
    [after] = bulk.copy_insert(JobRun, [{"kind": "next"}], ["kind"])
    assert after > jobs[-1].pk
