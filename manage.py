#!/usr/bin/env python
"""Django's command-line utility for Convene."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from config.env import exit_on_configuration_error

    exit_on_configuration_error()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
