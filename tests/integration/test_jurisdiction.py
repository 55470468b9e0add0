"""A user of township A sees nothing of township B: object URLs 404, lists, search and exports
return none of B's records (ARCHITECTURE rule 5)."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import TOWNSHIP_A, TOWNSHIP_B


@pytest.fixture
def two_households(make_household):
    return make_household(TOWNSHIP_A, head_name="龙甲"), make_household(
        TOWNSHIP_B, head_name="石乙"
    )


def login(client, user):
    client.force_login(user)
    return client


def object_urls(household):
    person = household.members.first()
    return [
        ("get", reverse("registry:household_detail", args=[household.pk])),
        ("get", reverse("registry:household_edit", args=[household.pk])),
        ("get", reverse("registry:income_new", args=[household.pk])),
        ("get", reverse("registry:asset_new", args=[household.pk])),
        ("get", reverse("registry:person_edit", args=[person.pk])),
        ("post", reverse("registry:person_reveal", args=[person.pk])),
        ("get", reverse("audit:household", args=[household.pk])),
    ]


def test_object_urls_of_another_township_are_404(client, users, two_households):
    household_a, household_b = two_households
    login(client, users["officer_a"])
    for method, url in object_urls(household_b):
        data = {"reason": "核查"} if method == "post" else None
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, url
    # the same URLs work for the user's own household (so the 404 above is about jurisdiction)
    assert (
        client.get(reverse("registry:household_detail", args=[household_a.pk])).status_code == 200
    )
    assert (
        client.post(
            reverse("registry:person_reveal", args=[household_a.members.first().pk]),
            {"reason": "核查"},
        ).status_code
        == 200
    )


def test_village_assistant_sees_only_the_village(client, users, regions, make_household):
    from tests.conftest import first_village

    own = make_household(TOWNSHIP_A)
    other_village = sorted(
        (r for r in regions.values() if r.parent_id == regions[TOWNSHIP_A].pk), key=lambda r: r.code
    )[1]
    elsewhere = make_household(TOWNSHIP_A, village=other_village, head_name="田丙")
    assert own.village == first_village(regions, TOWNSHIP_A)
    login(client, users["village_a"])
    assert client.get(reverse("registry:household_detail", args=[elsewhere.pk])).status_code == 404
    body = client.get(reverse("registry:household_list")).content.decode()
    assert own.number in body and elsewhere.number not in body


def test_lists_search_and_export_exclude_other_townships(client, users, two_households):
    household_a, household_b = two_households
    login(client, users["officer_a"])
    body = client.get(reverse("registry:household_list")).content.decode()
    assert household_a.number in body and household_b.number not in body
    for query in ("石乙", "sy"):
        body = client.get(reverse("registry:household_list"), {"q": query}).content.decode()
        assert household_b.number not in body and "没有符合条件的家庭" in body
    export = client.get(reverse("registry:household_export"))
    numbers = [
        r[0]
        for r in load_workbook(io.BytesIO(export.content)).active.iter_rows(
            min_row=2, values_only=True
        )
    ]
    assert numbers == [household_a.number]


def test_county_user_sees_both_townships(client, users, two_households):
    login(client, users["county"])
    body = client.get(reverse("registry:household_list")).content.decode()
    assert all(h.number in body for h in two_households)


def test_search_by_id_number_finds_only_within_jurisdiction(client, users, two_households):
    from jiuzhu.core.crypto import decrypt

    household_a, household_b = two_households
    id_b = decrypt(household_b.members.get(relation="self").id_cipher)
    login(client, users["officer_b"])
    # an ID number is searched by POST (never in a URL): redirected to its keyed hash
    body = client.post(reverse("registry:household_list"), {"q": id_b}, follow=True)
    body = body.content.decode()
    assert household_b.number in body
    client.logout()
    login(client, users["officer_a"])
    response = client.post(reverse("registry:household_list"), {"q": id_b}, follow=True)
    body = response.content.decode()
    assert response.status_code == 200 and "idh=" in response.redirect_chain[-1][0]
    assert household_b.number not in body and id_b not in response.redirect_chain[-1][0]
