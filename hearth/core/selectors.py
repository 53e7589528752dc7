"""What the home page shows each user."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import apps

from hearth.accounts import policy

if TYPE_CHECKING:
    from hearth.accounts.models import User

HOME_LIST_SIZE = 25


def home_for(user: User) -> dict[str, Any]:
    notifications = list(user.notifications.filter(read_at__isnull=True)[:10])
    person = apps.get_model("people", "Person")
    if user.is_partner:
        people = policy.visible_people(user, person.objects.all())[:HOME_LIST_SIZE]
        heading = "Records shared with your organisation"
    else:
        mine = person.objects.filter(involvements__worker=user, involvements__ended__isnull=True)
        people = policy.visible_people(user, mine).distinct()[:HOME_LIST_SIZE]
        heading = "Children allocated to you"
    return {"notifications": notifications, "people": list(people), "people_heading": heading}
