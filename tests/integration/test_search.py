"""Finding a household by ID number, name, pinyin initials or full pinyin, within jurisdiction."""

from django.urls import reverse

from jiuzhu.core.crypto import decrypt
from jiuzhu.registry.selectors import household_search
from tests.conftest import TOWNSHIP_A, TOWNSHIP_B


def numbers(qs):
    return sorted(h.number for h in qs)


def test_search_modes(users, make_household):
    officer = users["officer_a"]
    shan = make_household(TOWNSHIP_A, head_name="单田芳", size=2)
    long_ = make_household(TOWNSHIP_A, head_name="龙大山", size=1)
    assert numbers(household_search(user=officer, query="单田")) == [shan.number]
    assert numbers(household_search(user=officer, query="stf")) == [shan.number]
    assert numbers(household_search(user=officer, query="shantian")) == [shan.number]
    assert numbers(household_search(user=officer, query="LDS")) == [long_.number]
    # a member's name finds the household too (members are named 龙小1… by the fixture)
    assert numbers(household_search(user=officer, query="龙小")) == [shan.number]
    head_id = decrypt(long_.members.get(relation="self").id_cipher)
    assert numbers(household_search(user=officer, query=head_id)) == [long_.number]
    assert numbers(household_search(user=officer, query=head_id.lower())) == [long_.number]
    # an ID-shaped query with a wrong check digit finds nothing rather than something similar
    wrong = head_id[:-1] + ("1" if head_id[-1] != "1" else "2")
    assert numbers(household_search(user=officer, query=wrong)) == []
    assert numbers(household_search(user=officer, query="")) == sorted([shan.number, long_.number])


def test_full_width_id_and_15_digit_id_are_normalised(users, make_household, regions):

    from jiuzhu.core.idnumber import convert_15_to_18

    id15 = "433123650303041"
    h = make_household(TOWNSHIP_A, head_name="田十五", size=1, head_id=convert_15_to_18(id15))
    officer = users["officer_a"]
    assert numbers(household_search(user=officer, query=id15)) == [h.number]
    full_width = convert_15_to_18(id15).translate(
        str.maketrans("0123456789", "０１２３４５６７８９")
    )
    assert numbers(household_search(user=officer, query=full_width)) == [h.number]


def _head_id(household):
    return decrypt(household.members.get(relation="self").id_cipher)


def test_the_search_by_id_number_posts_and_redirects_to_its_keyed_hash(
    client, users, make_household
):
    """The ID number never travels in a URL: the form posts, and the page it redirects to (303)
    carries the keyed lookup hash (idh) instead; names stay readable as q."""
    from jiuzhu.registry.sensitive import id_lookup_hash

    household = make_household(TOWNSHIP_A, head_name="龙大山", size=1)
    id_number = _head_id(household)
    client.force_login(users["officer_a"])
    response = client.post(reverse("registry:household_list"), {"q": id_number})
    assert response.status_code == 303
    location = response["Location"]
    assert id_number not in location and f"idh={id_lookup_hash(id_number)}" in location
    page = client.get(location).content.decode()
    assert household.number in page and id_number not in page
    # names and pinyin stay in q
    by_name = client.post(reverse("registry:household_list"), {"q": "龙大"})
    assert by_name.status_code == 303 and "q=%E9%BE%99%E5%A4%A7" in by_name["Location"]


def test_the_live_search_gets_the_rows_and_a_url_without_the_number(client, users, make_household):
    household = make_household(TOWNSHIP_A, size=1)
    id_number = _head_id(household)
    client.force_login(users["officer_a"])
    response = client.post(
        reverse("registry:household_list"), {"q": id_number.lower()}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert household.number in body and id_number not in body
    pushed = response["HX-Push-Url"]
    assert "idh=" in pushed and id_number not in pushed
    assert f"idh={household.members.get(relation='self').id_hash}" in body  # the export link
    # digits being typed are no name either: they leave the URL too
    partial = client.post(
        reverse("registry:household_list"), {"q": id_number[:10]}, headers={"HX-Request": "true"}
    )
    assert id_number[:10] not in partial["HX-Push-Url"] and "没有符合条件的家庭" in (
        partial.content.decode()
    )


def test_an_id_number_typed_into_the_url_is_redirected_away(client, users, make_household):
    household = make_household(TOWNSHIP_A, size=1)
    id_number = _head_id(household)
    client.force_login(users["officer_a"])
    response = client.get(reverse("registry:household_list"), {"q": id_number})
    assert response.status_code == 302 and id_number not in response["Location"]
    assert household.number in client.get(response["Location"]).content.decode()


def test_paging_and_export_carry_the_hash_and_the_export_audits_no_id(
    client, users, make_household, settings
):
    from jiuzhu.core.models import AuditEntry

    settings.JIUZHU_PAGE_SIZE = 1
    household = make_household(TOWNSHIP_A, size=1)
    make_household(TOWNSHIP_A, head_name="龙二", size=1)
    id_number = _head_id(household)
    id_hash = household.members.get(relation="self").id_hash
    client.force_login(users["officer_a"])
    location = client.post(reverse("registry:household_list"), {"q": id_number})["Location"]
    page = client.get(location).content.decode()
    export_url = f"{reverse('registry:household_export')}?idh={id_hash}"
    assert export_url in page and id_number not in page
    named = client.get(reverse("registry:household_list"), {"q": "龙"}).content.decode()
    assert "?q=%E9%BE%99&page=2" in named  # paging keeps the search
    response = client.get(reverse("registry:household_export"), {"idh": id_hash})
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="household.export")
    assert entry.new["query"] == {"idh": id_hash} and entry.new["rows"] == 1
    # an export asked for with the plain number still records only its hash
    client.get(reverse("registry:household_export"), {"q": id_number})
    latest = AuditEntry.objects.filter(action="household.export").latest("seq")
    assert latest.new["query"] == {"idh": id_hash} and id_number not in str(latest.new)


def test_another_townships_household_is_not_found_by_its_hash(client, users, make_household):
    other = make_household(TOWNSHIP_B, size=1)
    client.force_login(users["officer_a"])
    id_hash = other.members.get(relation="self").id_hash
    page = client.get(reverse("registry:household_list"), {"idh": id_hash}).content.decode()
    assert other.number not in page and "没有符合条件的家庭" in page
