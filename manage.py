#!/usr/bin/env python
import os
import secrets
import sys

# Commands that only read the code (models, templates, catalogues) sign nothing: they run
# without configuration, with a throwaway key unless SECRET_KEY is set. Everything else,
# serving above all, still refuses to start without SECRET_KEY (hallbar/settings.py).
CODE_ONLY_COMMANDS = frozenset({"makemigrations", "makemessages", "compilemessages"})

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hallbar.settings")
    if len(sys.argv) > 1 and sys.argv[1] in CODE_ONLY_COMMANDS:
        os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
