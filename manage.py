#!/usr/bin/env python
from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pragueprocess.settings")
    # manage.py is the developer's door (makemigrations, shell, tests' helpers): development settings
    # unless DEBUG says otherwise, as cookiecutter-django's manage.py reads its local settings. What
    # serves the portal (gunicorn through wsgi.py, Celery through celery.py) has DEBUG off unless asked;
    # a deployment sets DEBUG=False in its environment (.env.example, docker-compose.yml), and then
    # manage.py runs with the production settings too.
    os.environ.setdefault("DEBUG", "True")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
