import time
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from lienhe213.guidance.services import load_guidance


class Command(BaseCommand):
    help = "Load or refresh the texts of Regulation 213 and Guidance 33 (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        result = load_guidance()
        if options["verbosity"] == 0:
            return
        self.stdout.write(
            _(
                "Guidance texts: %(created)d created, %(updated)d updated, "
                "%(unchanged)d unchanged (%(seconds).2f s)."
            )
            % {
                "created": result.created,
                "updated": result.revised,
                "unchanged": result.unchanged,
                "seconds": time.perf_counter() - started,
            }
        )
