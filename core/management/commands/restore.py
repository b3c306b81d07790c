from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import RestoreRefused, backup_restore


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database and the file storage, then compare row counts."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)

    def handle(self, *args, archive: Path, **options):
        if not archive.is_file():
            raise CommandError(f"no archive at {archive}")
        try:
            comparisons = backup_restore(archive=archive)
        except RestoreRefused as exc:
            raise CommandError(str(exc)) from exc
        width = max((len(c.table) for c in comparisons), default=5)
        self.stdout.write(f"{'table':<{width}}  {'archived':>9}  {'restored':>9}")
        for c in comparisons:
            mark = "" if c.ok else "  MISMATCH"
            self.stdout.write(f"{c.table:<{width}}  {c.expected:>9}  {c.found:>9}{mark}")
        wrong = [c.table for c in comparisons if not c.ok]
        if wrong:
            raise CommandError(f"row counts differ in {len(wrong)} tables: {', '.join(wrong)}")
        self.stdout.write(self.style.SUCCESS(f"restored {len(comparisons)} tables; every row count matches"))
