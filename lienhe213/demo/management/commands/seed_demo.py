from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils.translation import gettext as _

from lienhe213.accounts.models import User
from lienhe213.demo.loader import build_preset
from lienhe213.demo.management.commands.demo_logins import write_logins
from lienhe213.demo.nation_loader import build_nation
from lienhe213.demo.plans import DEFAULT_SEED, PRESETS
from lienhe213.members.models import Member
from lienhe213.organizations.models import Organization

NATION = "nation"


class Command(BaseCommand):
    help = (
        "Fill an empty database with demo data: 'small' (one ward, a few hundred members) "
        "or 'hagiang-2023' (a whole province at Hà Giang's 2023 size), or 'nation' (the "
        "34 provinces, PostgreSQL only; --scale for a part of it). Deterministic."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--preset", choices=[*sorted(PRESETS), NATION], default="small")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds members.",
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="With --preset nation: the share of the nation to load (e.g. 0.01).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Member.objects.exists():
            self.stdout.write(_("The database already holds members; nothing seeded."))
            write_logins(self.stdout)
            return
        if options["preset"] == NATION and connection.vendor != "postgresql":
            raise CommandError(
                _(
                    "The nation preset is loaded with PostgreSQL's COPY: "
                    "run it on a PostgreSQL database."
                )
            )
        if not 0 < options["scale"] <= 1:
            raise CommandError(_("The scale is a share of the nation, above 0 and at most 1."))
        if Organization.objects.exists() or User.objects.filter(username="admin").exists():
            raise CommandError(
                _("The database already holds an organization tree; seed an empty database.")
            )
        if options["preset"] == NATION:
            self._nation(options)
            return
        result = build_preset(options["preset"], seed=options["seed"])
        self.stdout.write(
            _(
                "Seeded preset %(preset)s (seed %(seed)d): %(organizations)d organizations "
                "(%(grassroots)d grassroots), %(communities)d communities, %(members)d members "
                "(%(working)d working) in %(seconds).1f s (%(rate)d members/s)."
            )
            % {
                "preset": result.preset,
                "seed": result.seed,
                "organizations": result.organizations,
                "grassroots": result.grassroots,
                "communities": result.communities,
                "members": result.members,
                "working": result.working_members,
                "seconds": result.seconds,
                "rate": result.members / result.seconds if result.seconds else 0,
            }
        )
        self.stdout.write(
            _(
                "Tracking book: %(linked)d linked members, %(links)d residence links, "
                "%(decisions)d classification decisions."
            )
            % {
                "linked": result.linked_members,
                "links": result.links,
                "decisions": result.decisions,
            }
        )
        self.stdout.write(
            _(
                "Activity: %(meetings)d residence meetings with %(attendances)d attendance "
                "records, %(requests)d comment requests (%(returned)d returned), "
                "%(notices)d notices with %(replies)d replies."
            )
            % {
                "meetings": result.meetings,
                "attendances": result.attendances,
                "requests": result.comment_requests,
                "returned": result.comments_returned,
                "notices": result.notices,
                "replies": result.notice_replies,
            }
        )
        reform = result.reform
        if reform is not None:
            self.stdout.write(
                _(
                    "Restructuring of 01/07/2025 through the services: %(founded)d committees "
                    "founded, %(merged)d merged, %(dissolved)d dissolved, %(moved)d cells moved, "
                    "%(renamed)d renamed, "
                    "%(remapped)d links re-mapped, %(carried)d addresses carried; "
                    "%(members)d members and %(links)d links before and after, none lost."
                )
                % {
                    "founded": reform.founded,
                    "merged": reform.merged,
                    "dissolved": reform.dissolved,
                    "moved": reform.moved,
                    "renamed": reform.renamed,
                    "remapped": reform.links_remapped,
                    "carried": reform.members_carried,
                    "members": reform.after["members"],
                    "links": reform.after["links"],
                }
            )
        if options["verbosity"] > 1:
            for phase, seconds in result.phases.items():
                self.stdout.write(f"  {phase}: {seconds:.2f} s")
        write_logins(self.stdout)

    def _nation(self, options: dict[str, Any]) -> None:
        progress = None
        if options["verbosity"] > 1:
            progress = self.stdout.write
        result = build_nation(seed=options["seed"], scale=options["scale"], progress=progress)
        self.stdout.write(
            _(
                "Seeded preset nation (seed %(seed)d, scale %(scale)s): %(provinces)d provinces, "
                "%(communes)d communes, %(organizations)d organizations, %(communities)d "
                "communities, %(members)d members (%(working)d working), %(links)d residence "
                "links in %(seconds).1f s (%(rate)d rows/s, peak memory %(memory)d MB)."
            )
            % {
                "seed": result.seed,
                "scale": f"{result.scale:g}",
                "provinces": result.provinces,
                "communes": result.communes,
                "organizations": result.organizations,
                "communities": result.communities,
                "members": result.members,
                "working": result.working_members,
                "links": result.links,
                "seconds": result.seconds,
                "rate": result.rows / result.seconds if result.seconds else 0,
                "memory": result.peak_rss_mb,
            }
        )
        if options["verbosity"] > 1:
            for phase, seconds in result.phases.items():
                self.stdout.write(f"  {phase}: {seconds:.2f} s")
        write_logins(self.stdout)
