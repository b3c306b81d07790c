"""Where a page's time goes: cProfile of warm requests under production settings.

    python -m bench.profile --scale 50 /activities/ /parties/cz/ [--role contact_point] [--top 30]

Uses the benchmark database of the scale (seeded by `make bench` or `make load`), signs in as the
role, makes a few warm-up requests, then profiles REQUESTS requests of each path and prints the
functions with the most cumulative and own time. Nothing is written.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys

from . import run as bench_run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--scale", type=float, default=50)
    parser.add_argument("--role", default="secretariat")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="cumulative")
    args = parser.parse_args(argv)

    if (
        os.environ.get("DJANGO_SETTINGS_MODULE") != "pragueprocess.settings"
        or "BENCH_CHILD" not in os.environ
    ):
        env = bench_run.production_env(bench_run.db_name(args.scale), BENCH_CHILD="1")
        os.execvpe(sys.executable, [sys.executable, "-m", "bench.profile", *sys.argv[1:]], env)

    bench_run._django()
    from django.test import Client

    from bench.measure import clients_for
    from bench.run import _users

    client: Client = clients_for(_users())[args.role]
    for path in args.paths:
        for _ in range(3):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.requests):
            client.get(path)
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        print(f"\n===== {path} ({args.requests} requests, as {args.role}) =====")
        stats.sort_stats(args.sort).print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
