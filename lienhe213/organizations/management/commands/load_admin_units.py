import time
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from lienhe213.organizations.units import load_administrative_units


class Command(BaseCommand):
    help = "Load or refresh the 34 provinces and 3,321 communes (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        result = load_administrative_units()
        self.stdout.write(
            _(
                "Administrative units: %(created)d created, %(updated)d updated, "
                "%(unchanged)d unchanged (%(seconds).2f s)."
            )
            % {
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "seconds": time.perf_counter() - started,
            }
        )
