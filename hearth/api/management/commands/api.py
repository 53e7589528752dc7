"""`hearth api token create|revoke|list`: partner organisations' API tokens.

    hearth api token create --organisation "Lambshire Police" [--user EMAIL] [--name TEXT]
    hearth api token revoke KEY_ID
    hearth api token list [--organisation NAME]

`create` prints the token once: only its hash is kept, so it cannot be shown again.
Without --user the token acts as the organisation's service user.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hearth.accounts.models import Organisation, User
from hearth.api.models import ApiToken
from hearth.api.services import api_token_create, api_token_revoke


def _organisation(name: str) -> Organisation:
    found = Organisation.objects.filter(name__iexact=name.strip()).first()
    if found is None and name.strip().isdigit():
        found = Organisation.objects.filter(pk=int(name)).first()
    if found is None:
        known = ", ".join(Organisation.objects.values_list("name", flat=True)[:20])
        raise CommandError(f"No organisation called {name!r}. Organisations: {known}")
    return found


class Command(BaseCommand):
    help = "Partner organisations' API tokens: create (prints the token once), revoke, list."

    def add_arguments(self, parser: CommandParser) -> None:
        resources = parser.add_subparsers(dest="resource", required=True)
        token = resources.add_parser("token", help="API tokens")
        actions = token.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="issue a token and print it once")
        create.add_argument("--organisation", required=True, help="name (or id)")
        create.add_argument(
            "--user", default="", help="email of a partner user to act as (default: service user)"
        )
        create.add_argument("--name", default="", help="what will use it (default: API client)")
        revoke = actions.add_parser("revoke", help="stop a token working")
        revoke.add_argument("key_id", help="the token's key id (the part after hearth_)")
        listing = actions.add_parser("list", help="list tokens (never their secrets)")
        listing.add_argument("--organisation", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options)
        elif action == "revoke":
            token = ApiToken.objects.filter(key_id=options["key_id"]).first()
            if token is None:
                raise CommandError(f"No token with key id {options['key_id']!r}")
            api_token_revoke(acting_user=None, token=token)
            self.stdout.write(f"Revoked {token.key_id} ({token.name}, {token.organisation}).")
        else:
            tokens = ApiToken.objects.select_related("organisation", "user")
            if options["organisation"]:
                tokens = tokens.filter(organisation=_organisation(options["organisation"]))
            for t in tokens:
                state = f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "active"
                used = f"last used {t.last_used_at:%Y-%m-%d}" if t.last_used_at else "never used"
                self.stdout.write(
                    f"{t.key_id}  {t.organisation}  {t.name}  as {t.user.email}  {state}, {used}"
                )

    def _create(self, options: dict[str, Any]) -> None:
        organisation = _organisation(options["organisation"])
        user = None
        if options["user"]:
            user = User.objects.filter(email__iexact=options["user"].strip()).first()
            if user is None:
                raise CommandError(f"No user with email {options['user']!r}")
        try:
            issued = api_token_create(
                acting_user=None,
                organisation=organisation,
                name=options["name"] or "API client",
                user=user,
            )
        except ValidationError as e:
            raise CommandError("; ".join(e.messages)) from None
        self.stderr.write(
            f"Token {issued.token.key_id} for {organisation}, acting as {issued.token.user.email}. "
            "Keep it secret: it is shown only now."
        )
        self.stdout.write(issued.secret)
