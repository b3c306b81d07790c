from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from core.backup import backup_create


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one dated archive (BACKUP_DIR by default)."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=None, help="the folder for the archive")

    def handle(self, *args, output: Path | None, **options):
        path = backup_create(folder=output or Path(settings.BACKUP_DIR))
        self.stdout.write(str(path))
