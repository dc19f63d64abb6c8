from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from lienhe213.accounts.models import User
from lienhe213.demo.loader import build_preset
from lienhe213.demo.management.commands.demo_logins import write_logins
from lienhe213.demo.plans import DEFAULT_SEED, PRESETS
from lienhe213.members.models import Member
from lienhe213.organizations.models import Organization


class Command(BaseCommand):
    help = (
        "Fill an empty database with demo data: 'small' (one ward, a few hundred members) "
        "or 'hagiang-2023' (a whole province at Hà Giang's 2023 size). Deterministic."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--preset", choices=sorted(PRESETS), default="small")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds members.",
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Member.objects.exists():
            self.stdout.write(_("The database already holds members; nothing seeded."))
            write_logins(self.stdout)
            return
        if Organization.objects.exists() or User.objects.filter(username="admin").exists():
            raise CommandError(
                _("The database already holds an organization tree; seed an empty database.")
            )
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
        if options["verbosity"] > 1:
            for phase, seconds in result.phases.items():
                self.stdout.write(f"  {phase}: {seconds:.2f} s")
        write_logins(self.stdout)
