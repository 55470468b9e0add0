"""A snapshot much smaller than the active one it replaces — fewer than half the rows, or fewer
townships — is imported only on the officer's explicit, audited confirmation, which names what
it replaces: on the page, in the service and on the command line."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from jiuzhu.core.errors import ValidationFailed
from jiuzhu.core.models import AuditEntry
from jiuzhu.crosscheck import snapshot_services
from jiuzhu.crosscheck.models import RegistrySnapshot
from jiuzhu.crosscheck.snapshot_selectors import latest_snapshots

pytestmark = pytest.mark.django_db(transaction=False)

HEADER = "姓名,公民身份号码,性别,出生日期,所在地区划代码,死亡日期,死亡信息来源\n"
OLD_AS_OF, NEW_AS_OF = date(2026, 10, 31), date(2026, 11, 30)
WANTED = "将替换2026年10月31日的死亡和火化数据（12行，覆盖3个乡镇），新文件仅2行、覆盖1个乡镇"


@pytest.fixture(autouse=True)
def snapshot_dir(settings, tmp_path):
    settings.JIUZHU_SNAPSHOT_DIR = tmp_path / "snapshots"


@pytest.fixture
def villages(regions):
    """One village in each of three townships of the county."""
    by_township: dict[int, str] = {}
    for region in sorted(regions.values(), key=lambda r: r.code):
        if region.level == "village" and region.code.startswith("433123"):
            by_township.setdefault(region.parent_id, region.code)
    return list(by_township.values())[:3]


def death_csv(villages: list[str], rows: int) -> bytes:
    lines = [
        f"逝者{n},,男,1930-01-{n % 28 + 1:02d},{villages[n % len(villages)]},2026-10-{n % 28 + 1:02d},火化"
        for n in range(rows)
    ]
    return (HEADER + "\n".join(lines) + "\n").encode()


def preview(user, data: bytes, as_of: date, name: str = "deaths.csv") -> RegistrySnapshot:
    return snapshot_services.snapshot_preview(
        actor=user, kind="death", as_of=as_of, source="县殡葬管理所", file_name=name, data=data
    )


def commit(user, snap, **kw) -> RegistrySnapshot:
    return snapshot_services.snapshot_commit(
        actor=user, snapshot_id=snap.pk, good_rows=False, inline=True, **kw
    )


@pytest.fixture
def active(users, villages):
    snap = commit(users["county"], preview(users["county"], death_csv(villages, 12), OLD_AS_OF))
    assert snap.status == RegistrySnapshot.Status.ACTIVE and snap.rows_stored == 12
    return snap


def test_a_much_smaller_snapshot_is_refused_without_confirmation(users, regions, villages, active):
    county = users["county"]
    small = preview(county, death_csv(villages[:1], 2), NEW_AS_OF, name="six.csv")
    with pytest.raises(ValidationFailed) as refused:
        commit(county, small)
    assert refused.value.message.startswith(WANTED)
    small.refresh_from_db()
    assert small.status == RegistrySnapshot.Status.PREVIEWED and not small.parquet_path
    assert latest_snapshots(regions["433123000000"])["death"].pk == active.pk
    assert not AuditEntry.objects.filter(action="crosscheck.snapshot_confirm_smaller").exists()

    small = commit(county, small, confirm_smaller=True)
    assert small.status == RegistrySnapshot.Status.ACTIVE
    assert latest_snapshots(regions["433123000000"])["death"].pk == small.pk
    entry = AuditEntry.objects.get(action="crosscheck.snapshot_confirm_smaller")
    assert entry.object_id == str(small.pk) and entry.actor_id == county.pk
    assert entry.reason == WANTED
    assert entry.new["replaced_snapshot"] == active.pk and entry.new["replaced_rows"] == 12
    assert entry.new["replaced_townships"] == 3 and entry.new["townships"] == 1


def test_fewer_townships_alone_need_confirmation_and_a_fuller_file_none(users, villages, active):
    county = users["county"]
    narrow = preview(county, death_csv(villages[:2], 12), NEW_AS_OF)
    with pytest.raises(ValidationFailed, match="新文件12行、仅覆盖2个乡镇"):
        commit(county, narrow)
    fuller = preview(county, death_csv(villages, 14), NEW_AS_OF)
    assert commit(county, fuller).status == RegistrySnapshot.Status.ACTIVE
    assert not AuditEntry.objects.filter(action="crosscheck.snapshot_confirm_smaller").exists()


def test_the_page_names_what_it_replaces_and_asks_for_the_checkbox(client, users, villages, active):
    county = users["county"]
    small = preview(county, death_csv(villages[:1], 2), NEW_AS_OF)
    client.force_login(county)
    page = client.get(reverse("snapshots:detail", args=[small.pk])).content.decode()
    assert WANTED in page and 'name="confirm_smaller"' in page and 'id="confirm-smaller"' in page

    url = reverse("snapshots:commit", args=[small.pk])
    page = client.post(url, {"good_rows": "0"}, follow=True).content.decode()
    assert "请勾选" in page and WANTED in page
    small.refresh_from_db()
    assert small.status == RegistrySnapshot.Status.PREVIEWED

    client.post(url, {"good_rows": "0", "confirm_smaller": "1"})
    small.refresh_from_db()
    assert small.status == RegistrySnapshot.Status.ACTIVE
    assert AuditEntry.objects.filter(
        action="crosscheck.snapshot_confirm_smaller", object_id=str(small.pk)
    ).exists()


def test_a_file_of_the_same_size_shows_what_it_replaces_without_asking(
    client, users, villages, active
):
    county = users["county"]
    same = preview(county, death_csv(villages, 12), NEW_AS_OF)
    client.force_login(county)
    page = client.get(reverse("snapshots:detail", args=[same.pk])).content.decode()
    assert (
        "将替换2026年10月31日的死亡和火化数据（12行，覆盖3个乡镇），新文件12行、覆盖3个乡镇" in page
    )
    assert 'name="confirm_smaller"' not in page


def test_the_command_line_needs_confirm_smaller(users, villages, active, tmp_path, capsys):
    path = tmp_path / "six.csv"
    path.write_bytes(death_csv(villages[:1], 2))
    args = ["import", "death", str(path), "--as-of", "2026-11-30", "--user", "county-admin"]
    with pytest.raises(CommandError, match="--confirm-smaller"):
        call_command("jiuzhu_snapshot", *args)
    assert WANTED in capsys.readouterr().out
    assert latest_snapshots(users["county"].region)["death"].pk == active.pk

    call_command("jiuzhu_snapshot", *args, "--confirm-smaller")
    assert "已导入2行" in capsys.readouterr().out
    latest = latest_snapshots(users["county"].region)["death"]
    assert latest.pk != active.pk and latest.rows_stored == 2
    assert AuditEntry.objects.filter(
        action="crosscheck.snapshot_confirm_smaller", object_id=str(latest.pk)
    ).exists()


def test_restarting_a_failed_smaller_import_asks_again(client, users, villages, active):
    county = users["county"]
    small = preview(county, death_csv(villages[:1], 2), NEW_AS_OF)
    RegistrySnapshot.objects.filter(pk=small.pk).update(status=RegistrySnapshot.Status.FAILED)
    client.force_login(county)
    page = client.get(reverse("snapshots:detail", args=[small.pk])).content.decode()
    restart = page.split('id="snapshot-failed"')[1].split('id="restart-import"')[0]
    assert WANTED in restart and 'name="confirm_smaller"' in restart
    with pytest.raises(ValidationFailed, match="请勾选"):
        commit(county, small)
    assert commit(county, small, confirm_smaller=True).status == RegistrySnapshot.Status.ACTIVE
