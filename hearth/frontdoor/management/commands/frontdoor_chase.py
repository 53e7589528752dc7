"""`hearth frontdoor-chase`: remind partner agencies of overdue information requests.

Run it from the operator's scheduler (every hour in working hours, say): each open
request past its deadline is chased once per working day, recorded on the request and
in the audit log, and the agency's users are told.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from hearth.frontdoor.services import information_requests_chase_overdue


class Command(BaseCommand):
    help = "Chase partner agencies whose answers to the front door are overdue."

    def handle(self, *args: Any, **options: Any) -> None:
        chases = information_requests_chase_overdue()
        self.stdout.write(f"Chased {len(chases)} overdue information request(s).")
