"""``python -m clapboard.run make PROJECT``: make a project without the full command line.

A stand-in for ``clapboard make`` with the same options, so a run can be driven
(and killed) as a plain subprocess.
"""

from __future__ import annotations

import argparse
import sys

from clapboard.errors import ClapboardError
from clapboard.project import EXECUTORS, Project
from clapboard.run.production import dry_run, make


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, make the project, print one line per problem; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m clapboard.run", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    make_command = commands.add_parser("make", help="make the project's outputs, reusing what is stored")
    make_command.add_argument("project", nargs="?", default=".", help="project folder (default: here)")
    make_command.add_argument("--until", metavar="STAGE", help="stop after this stage")
    make_command.add_argument("--jobs", type=int, metavar="N", help="steps at once (0: one per core)")
    make_command.add_argument("--executor", choices=EXECUTORS, help="where steps run")
    make_command.add_argument("--dry-run", action="store_true", help="say what would run and why; run nothing")
    args = parser.parse_args(argv)
    try:
        project = Project.open(args.project)
        if args.dry_run:
            for verdict in dry_run(project, until=args.until):
                print(verdict)
            return 0
        report = make(project, until=args.until, jobs=args.jobs, executor=args.executor, progress=sys.stderr.isatty())
    except ClapboardError as exc:
        print(f"error: {exc.one_line()}", file=sys.stderr)
        return 1
    print(f"made {report.ran}, reused {report.reused} of {report.planned} steps in {report.seconds:.2f} s")
    for path in report.exported:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
