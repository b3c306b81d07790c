"""Two bench tables side by side: is any page slower than a bar (1.2×) against an earlier commit?

    python -m bench.compare --before old-1.md,old-2.md --after new-1.md,new-2.md [--bar 1.2] [--output F]

Each file is a `bench/results/latest.md` written by `python -m bench.run` (one commit, one run; run
the old and the new commit one after the other, twice, on a quiet machine, and pass both runs of
each side: their ×floor figures are averaged). Pages are matched by their label, with the plan's
URL prefix set aside (`/plan/` then, `/plans/<slug>/` now). The ratio is after over before of the
page's ×floor (its median over the median of floor requests made just before each page request),
which moves less than raw times with the machine's load. Exit 1 when a page is over the bar.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

PLAN_PREFIX = re.compile(r"/plans?/[^ ]*")


def _number(cell: str) -> float:
    return float(cell.strip().rstrip("×"))


def read_table(path: Path) -> tuple[list[str], dict[str, dict[str, float | str]]]:
    """(scales, {page label: {"s<K>": ×floor, "s<K>q": queries}}) of a bench table."""
    scales: list[str] = []
    rows: dict[str, dict[str, float | str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("| "):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0] == "Page":
            scales = [
                c.split()[0] for c in cells[1:] if c.endswith("×floor") and c.split()[0].startswith("s")
            ]
            scales = [s for s in scales if "/" not in s]
            continue
        if not scales or len(cells) < 1 + 4 * len(scales):
            continue
        try:
            row: dict[str, float | str] = {}
            for i, scale in enumerate(scales):
                row[scale] = _number(cells[1 + 4 * i + 3])
                row[scale + "q"] = cells[1 + 4 * i + 2]
        except ValueError:
            continue
        rows[cells[0]] = row
    return scales, rows


def _key(label: str) -> str:
    return PLAN_PREFIX.sub("/plan/", label)


def compare(before: list[Path], after: list[Path], bar: float) -> tuple[str, int]:
    """The comparison table (markdown) and the number of page × scale pairs over the bar."""
    befores = [read_table(p) for p in before]
    afters = [read_table(p) for p in after]
    scales = [s for s in afters[0][0] if s in befores[0][0]]
    old_labels = {_key(label): label for label in befores[0][1]}

    def mean(tables, label, field):
        values = [t[1][label][field] for t in tables if label in t[1]]
        return sum(values) / len(values)

    head = ["Page"]
    for s in scales:
        head += [
            f"{s} ×floor before",
            f"{s} ×floor after",
            f"{s} after/before",
            f"{s} queries before → after",
        ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    over = 0
    new_pages = []
    for label in afters[0][1]:
        old = old_labels.get(_key(label))
        if old is None:
            new_pages.append(label)
            continue
        cells = [label]
        for s in scales:
            a, b = mean(befores, old, s), mean(afters, label, s)
            ratio = b / a
            flag = " **over**" if ratio > bar else ""
            over += ratio > bar
            q = f"{befores[0][1][old][s + 'q']} → {afters[0][1][label][s + 'q']}"
            cells += [f"{a:.2f}×", f"{b:.2f}×", f"{ratio:.2f}×{flag}", q]
        lines.append("| " + " | ".join(cells) + " |")
    pairs = (len(lines) - 2) * len(scales)
    lines += ["", f"{pairs - over} of {pairs} page × scale pairs within {bar:g}× of before; {over} over."]
    if new_pages:
        lines += ["", "Pages with no row before: " + ", ".join(new_pages) + "."]
    return "\n".join(lines) + "\n", over


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.compare", description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True, help="bench tables of the earlier commit, comma-separated")
    parser.add_argument("--after", required=True, help="bench tables of this commit, comma-separated")
    parser.add_argument("--bar", type=float, default=1.2)
    parser.add_argument("--output", help="also write the table (with a heading) to this file")
    parser.add_argument("--title", default="Bench: this commit against an earlier one")
    args = parser.parse_args(argv)
    table, over = compare(
        [Path(p) for p in args.before.split(",")], [Path(p) for p in args.after.split(",")], args.bar
    )
    print(table)
    if args.output:
        Path(args.output).write_text(f"# {args.title}\n\n{table}", encoding="utf-8")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
