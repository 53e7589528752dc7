"""The `hearth` command: Django's management commands with operator-friendly names.

`hearth serve`, `hearth demo`, `hearth demo-data --children N --seed S`,
`hearth import persons FILE.csv`, `hearth audit verify`, and any Django command.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hearth.settings")
    if args:
        # Hyphenated names read better on a command line; Django's modules use underscores.
        args[0] = args[0].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["hearth", *args])


if __name__ == "__main__":
    main()
