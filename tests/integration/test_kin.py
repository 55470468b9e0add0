"""R5: a staff member's declared close relative marks the household's open cases and recuses
the staff member; a relative outside the configured degree is not flagged."""

import pytest
from django.utils import timezone

from jiuzhu.cases import services
from jiuzhu.cases.kin import household_kin_matches
from jiuzhu.cases.kin_services import kin_declare
from jiuzhu.core.crypto import decrypt
from jiuzhu.core.errors import PermissionDenied, ValidationFailed
from jiuzhu.core.models import AuditEntry
from jiuzhu.programmes.seed import seed_county_defaults
from tests.conftest import TOWNSHIP_A


@pytest.fixture
def household(regions, make_household):
    seed_county_defaults(county=regions["433123000000"])
    return make_household(TOWNSHIP_A, size=2)


def declare(actor, household, kin="child", declarant=None):
    member = household.members.get(relation="daughter")
    return kin_declare(
        actor=actor,
        declarant=declarant,
        declarant_name="吴主任",
        declarant_role="civil_affairs",
        declarant_unit="沱江镇民政办主任",
        relative_name=member.name,
        relative_id_number=decrypt(member.id_cipher),
        kin=kin,
        declared_on=timezone.localdate(),
    )


def test_declaration_marks_open_case_and_is_audited(users, household):
    app = services.application_register(
        actor=users["village_a"],
        household_id=household.pk,
        programme_code="dibao_rural",
        reason="申请",
    )
    assert not app.kin_registered
    declare(users["officer_a"], household, declarant=users["officer_b"])
    app.refresh_from_db()
    assert app.kin_registered
    entry = AuditEntry.objects.get(action="kin.declare")
    assert entry.new["open_cases_marked"] == 1 and "*" in entry.new["relative"]
    matches = household_kin_matches(household)
    assert [m.staff_id for m in matches] == [users["officer_b"].pk]
    assert "为" in matches[0].reason


def test_relative_outside_configured_degree_is_not_flagged(users, household):
    declare(users["officer_a"], household, kin="uncle_aunt")
    assert household_kin_matches(household) == ()


def test_bad_input_and_permission(users, household):
    with pytest.raises(PermissionDenied):
        declare(users["finance"], household)
    with pytest.raises(ValidationFailed, match="身份证号码"):
        kin_declare(
            actor=users["officer_a"],
            declarant_name="x",
            declarant_role="civil_affairs",
            declarant_unit="y",
            relative_name="z",
            relative_id_number="123",
            kin="child",
            declared_on=timezone.localdate(),
        )


def test_kin_page_records_a_declaration(client, users, household):
    from jiuzhu.registry.models import KinDeclaration

    member = household.members.get(relation="daughter")
    client.force_login(users["officer_a"])
    response = client.post(
        "/cases/kin/",
        {
            "declarant_name": "吴主任",
            "declarant_role": "village_cadre",
            "declarant_unit": "大坪村支书",
            "relative_name": member.name,
            "relative_id_number": decrypt(member.id_cipher),
            "kin": "child",
            "declared_on": str(timezone.localdate()),
        },
    )
    assert response.status_code == 302 and KinDeclaration.objects.count() == 1
    page = client.get("/cases/kin/").content.decode()
    assert member.id_masked in page and decrypt(member.id_cipher) not in page
