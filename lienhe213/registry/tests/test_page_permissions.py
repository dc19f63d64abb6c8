"""Permission matrices of the tracking-book pages over the cast: anonymous, stranger,
the other subtree, each side, the right role. 404 when the user may not see the object,
403 when they see it but may not act; a refusal changes nothing."""

import pytest
from django.urls import reverse

from conftest import with_representative
from lienhe213.registry.tests.conftest import MONDAY, book_state, link_at

LOGIN = reverse("accounts:login")


def _get(client, world, who, url):
    user = world.user(who)
    if user is not None:
        client.force_login(user)
    return client.get(url)


def _assert_status(response, expected, who):
    assert response.status_code == expected
    if who == "anonymous":
        assert response.url.startswith(f"{LOGIN}?next=")


# --- pages ----------------------------------------------------------------------------

CAST = [
    "anonymous",
    "stranger",
    "member_user",
    "other_clerk",
    "commune_clerk",
    "secretary_a1",
    "secretary_a2",
    "workplace_officer",
    "provincial_officer",
]


def _matrix(expected):
    pairs = with_representative(CAST, expected)
    return [pytest.param(who, status, id=who) for who, status in pairs]


@pytest.mark.parametrize(
    ("who", "status"),
    #                anon stra memb othr comm sec1 sec2 work prov
    _matrix([302, 404, 404, 404, 200, 404, 404, 404, 200]),
)
def test_commune_book(client, world, who, status):
    link_at(world, "issued")
    response = _get(
        client, world, who, reverse("registry:book", args=[world.commune_a_committee.pk])
    )
    _assert_status(response, status, who)


@pytest.mark.parametrize(
    ("who", "status"),
    _matrix([302, 404, 404, 404, 200, 404, 200, 404, 200]),
)
def test_cell_book(client, world, who, status):
    link_at(world, "active")
    response = _get(client, world, who, reverse("registry:book", args=[world.cell_a2.pk]))
    _assert_status(response, status, who)


@pytest.mark.parametrize(
    ("who", "status"),
    _matrix([302, 404, 404, 404, 200, 404, 404, 404, 200]),
)
def test_book_export(client, world, who, status):
    link_at(world, "issued")
    url = reverse("registry:book", args=[world.commune_a_committee.pk]) + "?format=xlsx"
    response = _get(client, world, who, url)
    _assert_status(response, status, who)


def test_book_of_a_workplace_organization_does_not_exist(client, world):
    client.force_login(world.provincial_officer)

    response = client.get(reverse("registry:book", args=[world.workplace.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    _matrix([302, 404, 404, 404, 404, 404, 404, 200, 200]),
)
def test_workplace_mirror(client, world, who, status):
    link_at(world, "issued")
    response = _get(client, world, who, reverse("registry:workplace", args=[world.workplace.pk]))
    _assert_status(response, status, who)


@pytest.mark.parametrize(
    ("who", "status"),
    _matrix([302, 404, 404, 404, 200, 404, 404, 404, 200]),
)
def test_worklist_of_the_commune(client, world, who, status):
    link_at(world, "issued")
    url = reverse("registry:worklist", args=[world.commune_a_committee.pk])
    response = _get(client, world, who, url)
    _assert_status(response, status, who)


@pytest.mark.parametrize(
    ("who", "status"),
    _matrix([302, 404, 404, 404, 404, 404, 404, 200, 200]),
)
def test_worklist_of_the_workplace(client, world, who, status):
    response = _get(client, world, who, reverse("registry:worklist", args=[world.workplace.pk]))
    _assert_status(response, status, who)


@pytest.mark.parametrize(
    ("who", "status"),
    # An issued letter: the commune and the workplace see it, the cells not yet; the
    # member sees their own.
    _matrix([302, 404, 200, 404, 200, 404, 404, 200, 200]),
)
def test_link_detail(client, world, who, status):
    link = link_at(world, "issued")
    response = _get(client, world, who, reverse("registry:link_detail", args=[link.pk]))
    _assert_status(response, status, who)


@pytest.mark.parametrize(
    ("who", "status"),
    _matrix([302, 404, 200, 404, 200, 404, 200, 200, 200]),
)
def test_member_links(client, world, who, status):
    link_at(world, "active")
    url = reverse("registry:member_links", args=[world.member_w1.pk])
    response = _get(client, world, who, url)
    _assert_status(response, status, who)


@pytest.mark.parametrize(
    ("who", "status"),
    # The residence sees the linked member but does not classify: 403.
    _matrix([302, 404, 403, 404, 403, 404, 404, 200, 200]),
)
def test_classify_page(client, world, who, status):
    link_at(world, "issued")
    url = reverse("registry:classify", args=[world.member_w1.pk])
    response = _get(client, world, who, url)
    _assert_status(response, status, who)


@pytest.mark.parametrize(
    ("who", "status"),
    _matrix([302, 403, 403, 200, 200, 200, 200, 200, 200]),
)
def test_index(client, world, who, status):
    response = _get(client, world, who, reverse("registry:index"))
    _assert_status(response, status, who)


# --- actions --------------------------------------------------------------------------


def _post(client, world, who, url, data):
    user = world.user(who)
    if user is not None:
        client.force_login(user)
    before = book_state()
    response = client.post(url, data)
    return response, before


def _assert_refused_or_done(response, before, status, who):
    _assert_status(response, status, who)
    if status != 302 or response.url.startswith(LOGIN):
        assert book_state() == before
    else:
        assert book_state() != before


def _step_data(step, link, **fields):
    data = {f"{step}-version": link.version, f"{step}-on": "2025-03-20"}
    data.update({f"{step}-{key}": value for key, value in fields.items()})
    return data


STEP_CASES = [
    # step, stage of the link, extra fields, expected per cast member
    ("present", "issued", {}, [302, 404, 403, 404, 302, 404, 404, 302, 302]),
    ("receive", "issued", {}, [302, 404, 403, 404, 302, 404, 404, 403, 302]),
    ("return", "issued", {"reason": "Sai địa chỉ"}, [302, 404, 403, 404, 302, 404, 404, 403, 302]),
    ("assign", "received", {"cell": "cell_a1"}, [302, 404, 403, 404, 302, 404, 404, 403, 302]),
    ("acknowledge", "assigned", {}, [302, 404, 403, 404, 403, 404, 302, 403, 302]),
    ("end", "active", {"reason": "died"}, [302, 404, 403, 404, 403, 404, 403, 302, 302]),
    (
        "move",
        "active",
        {"residence_commune": "commune_b_committee"},
        [302, 404, 403, 404, 403, 404, 403, 302, 302],
    ),
    (
        "exempt",
        "active",
        {"category": "b", "reason": "abroad", "decided_by": "workplace"},
        [302, 404, 403, 404, 403, 404, 403, 302, 302],
    ),
]


@pytest.mark.parametrize(
    ("step", "stage", "fields", "who", "status"),
    [
        pytest.param(step, stage, fields, who, status, id=f"{step}-{who}")
        for step, stage, fields, expected in STEP_CASES
        for who, status in with_representative(CAST, expected)
    ],
)
def test_link_steps(client, world, step, stage, fields, who, status):
    link = link_at(world, stage)
    fields = {
        key: getattr(world, value).pk if hasattr(world, str(value)) else value
        for key, value in fields.items()
    }
    url = reverse(f"registry:{step}", args=[link.pk])

    response, before = _post(client, world, who, url, _step_data(step, link, **fields))

    _assert_refused_or_done(response, before, status, who)


@pytest.mark.parametrize(
    ("who", "status"),
    # Only a workplace committee takes a link over; without rights anywhere: 403.
    _matrix([302, 404, 403, 404, 403, 404, 403, 200, 200]),
)
def test_change_workplace_step(client, world, who, status):
    link = link_at(world, "active")
    url = reverse("registry:change_workplace", args=[link.pk])
    # The member was not transferred: a workplace user is told so on the form.
    data = _step_data("change_workplace", link, workplace=world.workplace.pk)

    response, before = _post(client, world, who, url, data)

    _assert_status(response, status, who)
    assert book_state() == before


@pytest.mark.parametrize(
    ("who", "status"),
    _matrix([302, 404, 404, 404, 404, 404, 404, 302, 302]),
)
def test_issue_letters(client, world, who, status):
    from lienhe213.registry.tests.conftest import classify

    classify(world)
    url = reverse("registry:issue_letters", args=[world.workplace.pk])

    response, before = _post(
        client, world, who, url, {"members": [world.member_w1.pk], "issued_on": "2025-03-03"}
    )

    _assert_refused_or_done(response, before, status, who)


@pytest.mark.parametrize(
    ("who", "status"),
    _matrix([302, 404, 403, 404, 403, 404, 404, 302, 302]),
)
def test_classify_post(client, world, who, status):
    link_at(world, "issued")  # makes the member visible to the residence side
    url = reverse("registry:classify", args=[world.member_w1.pk])
    data = {
        "category": "normal",
        "decided_by": world.workplace.pk,
        "decided_on": MONDAY.isoformat(),
        "valid_from": "2025-03-10",
    }

    response, before = _post(client, world, who, url, data)

    _assert_refused_or_done(response, before, status, who)


@pytest.mark.parametrize(
    ("who", "status"),
    # The commune's letters waiting to be received: its clerks and the province.
    _matrix([302, 404, 404, 404, 200, 404, 404, 404, 200]),
)
def test_letters_waiting_to_be_received(client, world, who, status):
    link_at(world, "issued")
    url = reverse("registry:receive_letters", args=[world.commune_a_committee.pk])
    response = _get(client, world, who, url)
    _assert_status(response, status, who)


@pytest.mark.parametrize(
    ("who", "status"),
    _matrix([302, 404, 404, 404, 302, 404, 404, 404, 302]),
)
def test_receive_letters(client, world, who, status):
    link = link_at(world, "issued")
    url = reverse("registry:receive_letters", args=[world.commune_a_committee.pk])
    data = {
        "links": [link.pk],
        f"version-{link.pk}": link.version,
        "received_on": "2025-03-10",
        "confirmed": "1",
    }

    response, before = _post(client, world, who, url, data)

    _assert_refused_or_done(response, before, status, who)


@pytest.mark.parametrize(
    ("who", "status"),
    # The summary before a bulk issue writes nothing, for anyone.
    _matrix([302, 404, 404, 404, 404, 404, 404, 200, 200]),
)
def test_issue_letters_summary(client, world, who, status):
    from lienhe213.registry.tests.conftest import classify

    classify(world)
    url = reverse("registry:issue_letters_confirm", args=[world.workplace.pk])

    response, before = _post(
        client, world, who, url, {"members": [world.member_w1.pk], "issued_on": "2025-03-03"}
    )

    _assert_status(response, status, who)
    assert book_state() == before


def test_get_on_a_step_is_not_allowed(client, world):
    link = link_at(world, "issued")
    client.force_login(world.commune_clerk)

    response = client.get(reverse("registry:receive", args=[link.pk]))

    assert response.status_code == 405
