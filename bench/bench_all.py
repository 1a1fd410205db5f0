"""Every benchmark in one run, one after another, then their figures side by side.

    .venv/bin/python bench/bench_all.py
    .venv/bin/python bench/bench_all.py --only pages,reminders --postgres "" --redis ""
    .venv/bin/python bench/bench_all.py --quick      # `make bench-check`: does each still run?

By default the benchmarks that use a database run on PostgreSQL (`--postgres`: a database of the
benchmark's own, created and dropped by each one in turn) and those that need Redis use database
`--redis-db` of the `--redis` server (flushed by the sending benchmark before and after). With
`--postgres ""` they use SQLite in a temporary folder and the busiest hour (bench_load.py) is
left out; with `--redis ""` the sending benchmark and the busiest hour are left out and the link
benchmark uses the database cache. With --quick each runs at its smallest size, in a minute or two:
that checks each still works (CI runs it), and its figures are not measurements. See docs/performance.md.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PARTS = ["pages", "link", "sending", "load", "pdfs", "summary", "reminders"]


# --quick: the smallest size of each benchmark that still does everything it does at full size.
QUICK = {
    "pages": ["--requests", "3"],
    "link": ["--seconds", "2"],
    "sending": ["--invitees=20"],
    "load": ["--practitioners", "20", "--seconds", "2"],
    "reminders": ["--partnerships", "1"],
}


def commands(args):
    """Each part: (name, the script and its options, extra environment)."""
    parts = _commands(args)
    if args.quick:
        for name, (script, extra_env) in parts.items():
            parts[name] = ([*script, *QUICK.get(name, [])], extra_env)
    return parts


def _commands(args):
    postgres = {"BENCH_POSTGRES_URL": args.postgres} if args.postgres else {}
    redis_url = f"{args.redis.rstrip('/')}/{args.redis_db}" if args.redis else ""
    parts = {
        # The pages keep their parts in the cache, Redis in production: the same here where there is one.
        "pages": (
            ["bench_pages.py", "--requests", str(args.requests)],
            postgres | ({"REDIS_URL": redis_url} if redis_url else {}),
        ),
        "link": (
            ["bench_link.py", "--seconds", str(args.seconds)],
            postgres | ({"REDIS_URL": redis_url} if redis_url else {}),
        ),
        "pdfs": (["bench_pdfs.py"], {}),
        "summary": (["bench_summary.py"], {}),
        "reminders": (["bench_reminders.py", *(["--explain"] if args.explain else [])], postgres),
    }
    if redis_url:
        sending = ["bench_sending.py", f"--invitees={args.invitees}", f"--redis-db={args.redis_db}"]
        sending_env = {"REDIS_URL": redis_url}
        if args.postgres:
            server, database = args.postgres.rsplit("/", 1)
            sending.append(f"--database-name={database}")
            sending_env["DATABASE_URL"] = f"{server}/postgres"  # only its server is used
        parts["sending"] = (sending, sending_env)
        if args.postgres:  # the busiest hour needs both PostgreSQL and Redis
            parts["load"] = (["bench_load.py"], postgres | {"REDIS_URL": redis_url})
    return parts


def run_part(name, script, extra_env, figures_file):
    env = os.environ.copy()
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env.update({key: value for key, value in extra_env.items() if value})
    env["BENCH_FIGURES"] = figures_file
    print(f"\n== {name}: {' '.join(script)}", flush=True)
    started = time.perf_counter()
    finished = subprocess.run([sys.executable, *script], cwd=HERE, env=env, check=False)
    print(f"   ({time.perf_counter() - started:.0f}s)", flush=True)
    return finished.returncode == 0


def verdict(figure):
    if figure["aim"] is None:
        return ""
    return "met" if figure["value"] <= figure["aim"] else "missed"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(PARTS), help=f"comma-separated, from: {', '.join(PARTS)}")
    parser.add_argument(
        "--postgres", default="postgres://postgres@127.0.0.1:5432/bench_perf", help='"" for SQLite everywhere'
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379", help='"" to leave out what needs Redis')
    parser.add_argument("--redis-db", type=int, default=13, help="the Redis database number the benchmarks may use")
    parser.add_argument("--requests", type=int, default=60, help="timed requests of each staff page")
    parser.add_argument("--seconds", type=int, default=20, help="how long to load the invitation page")
    parser.add_argument("--invitees", type=int, default=1000, help="invitations the sending benchmark sends")
    parser.add_argument("--explain", action="store_true", help="print the reminder sweep's query plans")
    parser.add_argument(
        "--quick", action="store_true", help="each at its smallest size: does it still run? (no figures to keep)"
    )
    args = parser.parse_args()
    wanted = [part.strip() for part in args.only.split(",") if part.strip()]
    unknown = set(wanted) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")

    parts = commands(args)
    failed = []
    with tempfile.NamedTemporaryFile(prefix="convene-bench-figures-", suffix=".jsonl") as figures_file:
        for name in wanted:
            if name not in parts:
                print(f"\n== {name}: left out (it needs Redis{' and PostgreSQL' if name == 'load' else ''})")
                continue
            script, extra_env = parts[name]
            if not run_part(name, script, extra_env, figures_file.name):
                failed.append(name)
        lines = Path(figures_file.name).read_text(encoding="utf-8").splitlines()
    figures = [json.loads(line) for line in lines]

    if args.quick:
        ran = len([name for name in wanted if name in parts]) - len(failed)
        print(f"\n{len(figures)} figures from {ran} benchmarks at their smallest size: not measurements")
        if failed:
            raise SystemExit(f"\nThese benchmarks failed: {', '.join(failed)}")
        return
    width = max([len(figure["name"]) for figure in figures] + [6])
    print(f"\n{'Figure':{width}} {'Measured':>14} {'Aim':>10}  Result")
    for figure in figures:
        value = f"{figure['value']:g} {figure['unit']}"
        aim = f"≤ {figure['aim']:g} {figure['unit']}" if figure["aim"] is not None else ""
        print(f"{figure['name']:{width}} {value:>14} {aim:>10}  {verdict(figure)}")
        if figure["note"]:
            print(f"    {figure['note']}")
    if failed:
        raise SystemExit(f"\nThese benchmarks failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
