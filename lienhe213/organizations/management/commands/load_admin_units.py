import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from lienhe213.organizations.units import load_administrative_units, load_pre_2025_units


class Command(BaseCommand):
    help = (
        "Load or refresh the 34 provinces and 3,321 communes (idempotent); with --pre-2025 "
        "also the 63 provinces, their districts and communes of before 1 July 2025 and the "
        "official mapping to the 2025 communes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--pre-2025",
            action="store_true",
            help="Also load the units that stood until 30 June 2025 and their 2025 successors.",
        )

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
        if not options["pre_2025"]:
            return
        started = time.perf_counter()
        old = load_pre_2025_units()
        self.stdout.write(
            _(
                "Units before 1 July 2025: %(created)d created, %(updated)d updated, "
                "%(unchanged)d unchanged; mapping to 2025 communes: %(mapped)d added, "
                "%(remapped)d updated, %(dropped)d removed (%(seconds).2f s)."
            )
            % {
                "created": old.created,
                "updated": old.updated,
                "unchanged": old.unchanged,
                "mapped": old.successions_created,
                "remapped": old.successions_updated,
                "dropped": old.successions_deleted,
                "seconds": time.perf_counter() - started,
            }
        )
