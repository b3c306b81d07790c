"""bench.compare reads two bench tables and flags the pages over the bar."""

from __future__ import annotations

from bench.compare import compare, main

HEAD = (
    "| Page | s1 median ms | s1 p95 ms | s1 queries | s1 ×floor | s50 median ms | s50 p95 ms | s50 queries "
    "| s50 ×floor | time s50/s1 | ×floor s50/s1 | bar |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n"
)


def _table(tmp_path, name, rows):
    path = tmp_path / name
    body = "".join(
        f"| {label} | 1.0 | 1.0 | {q} | {x1}× | 1.0 | 1.0 | {q} | {x50}× | 1.0× | 1.0× | ok |\n"
        for label, q, x1, x50 in rows
    )
    path.write_text("# Bench\n\n" + HEAD + body + "\n## Against the references\n", encoding="utf-8")
    return path


def test_pages_matched_across_plan_urls_and_averaged(tmp_path):
    before = [
        _table(tmp_path, "old1.md", [("Plan /plan/", 4, 8.0, 8.0), ("Dashboard", 4, 3.0, 3.0)]),
        _table(tmp_path, "old2.md", [("Plan /plan/", 4, 10.0, 8.0), ("Dashboard", 4, 3.0, 3.0)]),
    ]
    after = [
        _table(tmp_path, "new1.md", [("Plan /plans/2012-2016/", 3, 9.0, 8.0), ("Dashboard", 3, 4.0, 3.0)]),
        _table(tmp_path, "new.2md", [("Plan /plans/2012-2016/", 3, 9.0, 8.0), ("Dashboard", 3, 4.0, 3.0)]),
    ]
    table, over = compare(before, after, 1.2)
    # Plan: 9 against the mean 9 of 8 and 10; the dashboard 4 against 3 at scale 1 is over.
    assert "| Plan /plans/2012-2016/ | 9.00× | 9.00× | 1.00× | 4 → 3 |" in table
    assert "| Dashboard | 3.00× | 4.00× | 1.33× **over** | 4 → 3 |" in table
    assert over == 1
    assert "3 of 4 page × scale pairs within 1.2× of before; 1 over." in table


def test_exit_status_and_output(tmp_path):
    old = _table(tmp_path, "old.md", [("Home", 5, 8.0, 8.0), ("Gone", 1, 1.0, 1.0)])
    new = _table(tmp_path, "new.md", [("Home", 5, 8.5, 8.0), ("New page", 2, 2.0, 2.0)])
    out = tmp_path / "cmp.md"
    assert main(["--before", str(old), "--after", str(new), "--output", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Bench: this commit against an earlier one")
    assert "Pages with no row before: New page." in text
    assert main(["--before", str(old), "--after", str(new), "--bar", "1.05"]) == 1
