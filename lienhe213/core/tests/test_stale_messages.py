"""The message a stale edit gets is a literal the translation tools extract, so a
Vietnamese user reads it in Vietnamese (it was built from a variable, never extracted,
and shown in English). Every service refuses a stale edit through ``core.locking``."""

import pytest
from django.utils import translation

from lienhe213.core.errors import DomainError
from lienhe213.core.locking import STALE_MESSAGES, check_version


@pytest.mark.parametrize("what", sorted(STALE_MESSAGES))
def test_the_stale_edit_message_is_translated(what):
    with translation.override("en"):
        english = str(STALE_MESSAGES[what])
    with translation.override("vi"):
        vietnamese = str(STALE_MESSAGES[what])

    assert english.startswith(("This ", "The commendation"))
    assert vietnamese != english
    assert "tải lại" in vietnamese.lower()


class Row:
    version = 3


def test_a_stale_version_is_refused_with_the_message_of_its_kind():
    with pytest.raises(DomainError) as caught:
        check_version(Row(), 2, what="meeting")

    assert str(caught.value) == (
        "This meeting was changed by someone else meanwhile. Reload it and try again."
    )
    assert caught.value.field is None


@pytest.mark.parametrize("version", [3, None])
def test_the_current_version_or_none_passes(version):
    check_version(Row(), version, what="entry")
