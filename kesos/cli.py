"""`kesos <command>`: the project's management commands (synth, load_wilayah, ...)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesos.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kesos", *sys.argv[1:]])


if __name__ == "__main__":
    main()
