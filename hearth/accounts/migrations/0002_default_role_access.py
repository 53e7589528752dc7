"""Each role's default read scope; administrators may change them in the admin."""

from django.db import migrations

DEFAULTS = {
    "social_worker": "team",
    "senior_practitioner": "team",
    "team_manager": "team",
    "service_manager": "service",
    "front_door": "all",
    "reviewing_officer": "all",
    "performance_officer": "all",
    "partner": "none",
    "administrator": "none",
}


def forwards(apps, schema_editor):
    role_access = apps.get_model("accounts", "RoleAccess")
    for role, scope in DEFAULTS.items():
        role_access.objects.get_or_create(role=role, defaults={"read_scope": scope})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
