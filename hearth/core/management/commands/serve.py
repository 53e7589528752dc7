"""`hearth serve [ADDR:PORT]`: serve the site with Django's development server."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

DEFAULT_ADDRPORT = "127.0.0.1:8000"


class Command(BaseCommand):
    help = f"Serve Hearth (development server) on http://{DEFAULT_ADDRPORT} unless told otherwise."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default=DEFAULT_ADDRPORT)
        parser.add_argument(
            "--noreload", action="store_true", help="do not restart when code changes"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("runserver", options["addrport"], use_reloader=not options["noreload"])
