"""The message a stale edit gets is a literal the translation tools extract, so a
Vietnamese user reads it in Vietnamese (it was built from a variable, never extracted,
and shown in English)."""

import pytest
from django.utils import translation

from lienhe213.comments import services as comments
from lienhe213.meetings import services as meetings
from lienhe213.notices import services as notices
from lienhe213.registry.services import _common as registry
from lienhe213.reports import services as reports


@pytest.mark.parametrize("module", [meetings, registry, comments, notices, reports])
def test_the_stale_edit_message_is_translated(module):
    with translation.override("en"):
        english = str(module.STALE)
    with translation.override("vi"):
        vietnamese = str(module.STALE)

    assert english.startswith(("This ", "The commendation"))
    assert vietnamese != english
    assert "tải lại" in vietnamese.lower()
