#!/usr/bin/env python
"""Django's manage.py; `hearth` (installed by pip) does the same with friendlier names."""

from hearth.cli import main

if __name__ == "__main__":
    main()
