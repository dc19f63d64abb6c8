"""The tracking book's bulk steps through the pages: the commune's letters waiting to be
received (choose, see the summary, confirm; each letter on its own), the summary before
a bulk issue, and the link to print the letters just issued."""

import datetime

from django.contrib.messages import get_messages
from django.urls import reverse

from conftest import member_fields
from lienhe213.core.models import AuditEvent
from lienhe213.members.services import create_member
from lienhe213.registry import services
from lienhe213.registry.models import LinkEvent, ResidenceLink
from lienhe213.registry.tests.conftest import MONDAY, book_state, classify, link_at

DAY = datetime.timedelta(days=1)


def neighbour(world, given_name, citizen_id, commune=None):
    """Another classified working member of the workplace, living in commune A (or
    ``commune``)."""
    member = create_member(
        by=world.root_user,
        **member_fields(
            world.workplace_cell,
            given_name=given_name,
            citizen_id=citizen_id,
            residence_commune=commune or world.commune_a,
        ),
    )
    classify(world, member)
    return member


def issued_three(world):
    """Letters of Đức and An to commune A, of Pọm to commune B; all issued on MONDAY."""
    classify(world)
    an = neighbour(world, "An", "002085001111")
    pom = neighbour(world, "Pọm", "002085002222", world.commune_b)
    links = services.issue_letters(
        by=world.workplace_officer,
        workplace=world.workplace,
        members=[world.member_w1, an, pom],
        issued_on=MONDAY,
    )
    return {link.member.given_name: link for link in links}


def url(world):
    return reverse("registry:receive_letters", args=[world.commune_a_committee.pk])


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- letters waiting to be received ---------------------------------------------------


def test_the_list_holds_the_communes_letters_not_yet_received(client, world):
    links = issued_three(world)
    services.receive_letter(by=world.commune_clerk, link=links["An"], received_on=MONDAY + DAY)
    client.force_login(world.commune_clerk)

    response = client.get(url(world))

    assert response.status_code == 200
    assert [link.member.full_name for link in response.context["page"].rows] == ["Nguyễn Văn Đức"]
    assert "Record presentation" in response.text  # the look-alike step is told apart


def test_choosing_shows_what_will_happen_and_changes_nothing(client, world):
    links = issued_three(world)
    client.force_login(world.commune_clerk)
    before = book_state()

    response = client.post(
        url(world),
        {
            "links": [links["Đức"].pk, links["An"].pk],
            f"version-{links['Đức'].pk}": 1,
            f"version-{links['An'].pk}": 1,
            "received_on": "2025-03-10",
        },
    )

    assert response.status_code == 200
    assert response.templates[0].name == "registry/receive_confirm.html"
    assert [link.member.given_name for link, _v in response.context["links"]] == ["An", "Đức"]
    assert "Receive 2 letters?" in response.text
    assert "recorded as received by Đảng bộ phường Hà Giang 1 on 10/03/2025" in response.text
    assert book_state() == before


def test_confirming_receives_each_letter_and_names_the_one_refused(client, world):
    links = issued_three(world)
    # a colleague received Đức's letter after the list was read (its version moved on)
    services.receive_letter(by=world.root_user, link=links["Đức"], received_on=MONDAY + DAY)
    client.force_login(world.commune_clerk)

    response = client.post(
        url(world),
        {
            "links": [links["Đức"].pk, links["An"].pk],
            f"version-{links['Đức'].pk}": 1,
            f"version-{links['An'].pk}": 1,
            "received_on": "2025-03-10",
            "confirmed": "1",
        },
    )

    assert response.status_code == 302
    assert response.url == url(world)
    an = ResidenceLink.objects.get(pk=links["An"].pk)
    duc = ResidenceLink.objects.get(pk=links["Đức"].pk)
    assert (an.status, an.received_on) == ("received", datetime.date(2025, 3, 10))
    assert duc.received_on == MONDAY + DAY  # the colleague's receipt stands
    assert list(LinkEvent.objects.filter(link=an).values_list("kind", "by__username")) == [
        ("issued", "coquan"),
        ("received", "xa"),
    ]
    assert AuditEvent.objects.filter(
        actor_name="xa", object_id=str(an.pk), changes__event="received"
    ).exists()
    assert texts(response) == [
        "1 letter was received and the member listed in the book; next, assign the member "
        "to a residential cell.",
        "The letter of Nguyễn Văn Đức was not received: This entry was changed by someone "
        "else meanwhile. Reload it and try again.",
    ]


def test_a_letter_of_another_commune_cannot_be_slipped_in(client, world):
    links = issued_three(world)
    client.force_login(world.commune_clerk)
    before = book_state()

    response = client.post(
        url(world),
        {"links": [links["Pọm"].pk], "received_on": "2025-03-10", "confirmed": "1"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["links"] == [
        f"Select a valid choice. {links['Pọm'].pk} is not one of the available choices."
    ]
    assert book_state() == before


def test_receiving_nothing_is_refused(client, world):
    issued_three(world)
    client.force_login(world.commune_clerk)

    response = client.post(url(world), {"received_on": "2025-03-10", "confirmed": "1"})

    assert response.status_code == 200
    assert response.context["form"].errors["links"] == ["This field is required."]


def test_the_link_page_tells_presentation_and_receipt_apart(client, world):
    link = link_at(world, "issued")
    client.force_login(world.commune_clerk)

    response = client.get(reverse("registry:link_detail", args=[link.pk]))

    hints = {form.prefix: form.hint for _url, _title, form, _open in response.context["steps"]}
    assert hints["present"] == (
        "The member handed the letter in: the date is noted; the commune has not yet "
        "accepted the member."
    )
    assert hints["receive"] == (
        "The commune accepts the letter and lists the member in its book; next, assign a cell."
    )
    assert hints["return"] == ""


# --- the summary before a bulk issue --------------------------------------------------


def test_the_summary_before_issuing_shows_each_letter_and_changes_nothing(client, world):
    classify(world)
    pom = neighbour(world, "Pọm", "002085002222", world.commune_b)
    client.force_login(world.workplace_officer)
    before = book_state()

    response = client.post(
        reverse("registry:issue_letters_confirm", args=[world.workplace.pk]),
        {"members": [world.member_w1.pk, pom.pk], "issued_on": "2025-03-03"},
    )

    assert response.status_code == 200
    assert [
        (member.full_name, form, commune.name)
        for member, form, _c, commune in response.context["rows"]
    ] == [
        ("Nguyễn Văn Đức", "Form 1-213", "Đảng bộ phường Hà Giang 1"),
        ("Nguyễn Văn Pọm", "Form 1-213", "Đảng bộ xã Lâm Bình"),
    ]
    assert "Issue 2 introduction letters?" in response.text
    assert f'action="{reverse("registry:issue_letters", args=[world.workplace.pk])}"' in (
        response.text
    )
    assert book_state() == before


def test_the_workplace_page_asks_for_the_summary_first(client, world):
    classify(world)
    client.force_login(world.workplace_officer)

    response = client.get(reverse("registry:workplace", args=[world.workplace.pk]))

    confirm = reverse("registry:issue_letters_confirm", args=[world.workplace.pk])
    assert f'action="{confirm}"' in response.text


def test_after_issuing_the_message_links_to_printing_the_letters_just_issued(client, world):
    classify(world)
    client.force_login(world.workplace_officer)

    response = client.post(
        reverse("registry:issue_letters", args=[world.workplace.pk]),
        {"members": [world.member_w1.pk], "issued_on": "2025-03-03"},
    )

    batches = reverse("documents:batches", args=[world.workplace.pk])
    assert texts(response) == [
        "1 letter was issued; the residence commune committee is told and receives it when "
        f'the member presents it. <a href="{batches}?issued_on=2025-03-03">Print the letters '
        "just issued</a>"
    ]
    page = client.get(response.url)
    assert f'<a href="{batches}?issued_on=2025-03-03">Print the letters just issued</a>' in (
        page.text
    )
    printing = client.get(f"{batches}?issued_on=2025-03-03")
    assert printing.context["form"].initial["issued_on"] == "2025-03-03"
