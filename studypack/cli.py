"""The command line: options, one build or check, the report, and the exit code."""

from __future__ import annotations

import argparse
import gc
import sys
from dataclasses import replace
from pathlib import Path

from studypack import progress, summary
from studypack.config import OUTPUTS, load_config
from studypack.errors import ExitCode, StudypackError
from studypack.pipeline import build


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command-line options, each with its help."""
    parser = argparse.ArgumentParser(
        prog="build.py",
        description="Turn Markdown study notes into study material: output/notes.yaml (the "
                    "checked intermediate), an Anki deck, a cheat sheet, handouts and a "
                    "preview page to browse them all.",
    )
    parser.add_argument("command", nargs="?", choices=("build", "check"), default="build",
                        help="build (the default) writes every output; check reads and checks "
                             "the notes, prints every problem as path:line: level: message, "
                             "and writes nothing")
    parser.add_argument("--check", action="store_true", help="same as the check command")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="how check prints its problems (json: for editors and CI)")
    parser.add_argument("--config", type=Path, metavar="FILE",
                        help="settings file (default: config.yaml in the current folder, if any)")
    parser.add_argument("--source", type=Path, action="append", metavar="PATH",
                        help="a notes folder or a single note file; repeat for several "
                             "(default: 'sources' in the config)")
    parser.add_argument("--out", type=Path, metavar="DIR",
                        help="folder for everything generated (default: output/)")
    parser.add_argument("--only", metavar="LIST",
                        help=f"comma-separated outputs to build, from: {','.join(OUTPUTS)}")
    parser.add_argument("--from", dest="from_yaml", type=Path, metavar="NOTES_YAML",
                        help="start from an existing notes.yaml instead of reading notes")
    parser.add_argument("--lock", type=Path, metavar="FILE",
                        help="lock file that keeps card ids stable (default: studypack.lock "
                             "beside the config; never inside a notes folder)")
    parser.add_argument("--strict", action="store_true",
                        help="exit with status 1 when there are warnings, not only errors")
    parser.add_argument("--quiet", "-q", action="store_true",
                        help="no progress and no summary: print only warnings and errors (the "
                             "full report is still written to output/report.txt)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run one build and return the process exit code."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    # A build makes hundreds of thousands of small objects that live until it ends; collecting
    # every 700 allocations spent a fifth of the time on them at 10,000 cards.
    gc.set_threshold(100_000, 20, 20)
    try:
        config_path = args.config or (Path("config.yaml") if Path("config.yaml").exists()
                                      else None)
        config = load_config(config_path)
        if args.source:
            config = replace(config, sources=tuple(p.resolve() for p in args.source))
        if args.out:
            config = replace(config, output=args.out.resolve())
        if args.lock:
            config = replace(config, lock=args.lock.resolve())
        only = None
        if args.only:
            only = tuple(name.strip() for name in args.only.split(",") if name.strip())
            unknown = [name for name in only if name not in OUTPUTS]
            if unknown:
                print(f"build.py: --only: unknown output {unknown[0]!r} "
                      f"(choose from {','.join(OUTPUTS)})", file=sys.stderr)
                return ExitCode.USAGE
        if args.command == "check" or args.check:
            from studypack.check import as_json, as_text, check  # renders cards: heavier imports

            report = check(config)
            print(as_json(report) if args.format == "json" else as_text(report), end="")
        else:
            with progress.display(sys.stderr, quiet=args.quiet) as shown:
                report = build(config, only=only, from_yaml=args.from_yaml, progress=shown)
            summary.show(report, sys.stdout, quiet=args.quiet)
    except StudypackError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    if report.count("error") or ((args.strict or config.strict) and report.count("warning")):
        return ExitCode.DIAGNOSTICS
    return ExitCode.OK
