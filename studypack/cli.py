"""The command line: options, one build, check, watch or init, the report, and the exit code."""

from __future__ import annotations

import argparse
import difflib
import gc
import re
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from studypack import identity, progress, summary
from studypack.config import OUTPUTS, Config, load_config
from studypack.errors import ConfigError, ExitCode, StudypackError
from studypack.init import init
from studypack.pipeline import build, now
from studypack.report import Report
from studypack.watch import watch
from studypack.writers import write_atomic
from studypack.writing import Ready

Options = argparse._ActionsContainer  # a parser, or a group of its options

DESCRIPTION = """\
Turn Markdown study notes into study material: output/notes.yaml (every card as checked data),
an Anki deck (output/deck.apkg), a cheat sheet (output/cheatsheet.pdf), one handout per topic
(output/handouts/) and a page to browse every card (output/preview.html). Settings come from
config.yaml in the current folder (or --config FILE); the options below override them for one
run."""

# (command after the program's name, what it does); the help lines them up in two columns.
EXAMPLES = (
    ("init ~/biology", "start a project with an example of every note shape"),
    ("", "build it, from the project's folder (cd ~/biology first)"),
    ("--config ~/biology/config.yaml", "the same from any folder"),
    ("--watch", "build, then rebuild on every save (Ctrl-C stops)"),
    ("--only anki", "only the Anki deck (notes.yaml is always written)"),
    ("--source extra.md --out /tmp/try --lock /tmp/try.lock",
     "try one note file without touching output/ or the lock"),
    ("check --format json", "every problem, for an editor or CI"),
    ("--from output/notes.yaml --only cheatsheet", "print from a notes.yaml you checked or edited"),
    ("prune --older-than 180d", "forget the ids of cards gone from the notes that long"),
)

EPILOG = """\
examples:
{examples}

exit codes:
    0  done (warnings are listed in the report)
    1  done, but the notes have errors (or warnings, with --strict)
    2  wrong command-line use, or init refused to write over a project
    3  config.yaml cannot be read or has invalid settings
    4  a notes folder or file is missing, or holds no notes
    5  the notes.yaml given to --from is malformed
    6  an output cannot be written
  130  stopped with Ctrl-C (--watch stops with 0)

Build and check print path:line for every problem, and the report (also in
output/report.txt) lists what each file gave."""


def program() -> str:
    """How this run was started: `build.py` in a checkout, `studypack` once installed."""
    name = Path(sys.argv[0]).name
    return "build.py" if name == "build.py" else "studypack"


def _command(prog: str) -> str:
    """The command the help's examples type."""
    return "python build.py" if prog == "build.py" else "studypack"


def _examples(command: str, column: int = 40) -> str:
    lines = []
    for rest, what in EXAMPLES:
        typed = f"  {command} {rest}".rstrip()
        lines += [typed.ljust(column) + what] if len(typed) < column \
            else [typed, " " * column + what]
    return "\n".join(lines)


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command-line options, each with its help; no command means build."""
    prog = program()
    parser = argparse.ArgumentParser(prog=prog, description=DESCRIPTION,
                                     epilog=EPILOG.format(examples=_examples(_command(prog))),
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    _input_options(parser.add_argument_group("build and check"))
    _build_options(parser.add_argument_group("build only"))
    checking = parser.add_argument_group("check only")
    checking.add_argument("--check", action="store_true", help="same as the check command")
    _check_options(checking)
    commands = parser.add_subparsers(
        dest="command", title="commands", metavar="[COMMAND]",
        description="build runs when no command is given. Each command has its own help,\n"
                    f"e.g. {prog} init --help")
    # Options are accepted after the command too; unset there, they keep the values before it.
    build = commands.add_parser(
        "build", help="read the notes and write the outputs (the default)",
        description="Read every note, check it, and write output/notes.yaml and the outputs "
                    "config.yaml names (`outputs:`). Outputs whose inputs did not change are "
                    "kept as they are.")
    _input_options(build, after_command=True)
    _build_options(build, after_command=True)
    check = commands.add_parser(
        "check", help="print every problem in the notes as path:line: level: message; "
                      "write nothing",
        description="Read every note and render every card in memory; print each problem as "
                    "path:line: level: message, then a count. Nothing is written.")
    _input_options(check, after_command=True)
    _check_options(check, after_command=True)
    init = commands.add_parser(
        "init", help="create a new notes project in DIR, with an example note of each shape",
        description="Create DIR (if missing) with a commented config.yaml, a notes/ folder "
                    "holding one short example note for each note shape studypack reads, and "
                    "a .gitignore for output/; then print the commands that build it.")
    prune = commands.add_parser(
        "prune", help="forget the ids of cards absent from the notes for a while",
        description="The lock keeps the id of every card a build no longer finds, so that a "
                    "card that comes back (its file moved back, a question restored, another "
                    "folder built with the same lock) gets its id and its Anki history back. "
                    "prune forgets those absent for longer than the given time.")
    prune.add_argument("--older-than", dest="older_than", required=True, metavar="AGE",
                       type=_age, help="absent for longer than this: days, as 180d (or 26w)")
    _lock_options(prune)
    init.add_argument("dir", type=Path, metavar="DIR", help="folder for the new project")
    init.add_argument("--force", action="store_true",
                      help="write the example files even if DIR already has config.yaml or "
                           "notes (files with the same names are overwritten; nothing is "
                           "deleted)")
    return parser.parse_args(argv)


def _input_options(parser: Options, after_command: bool = False) -> None:
    """Where the settings, notes, outputs and lock are: for build and check."""
    default, flag = (argparse.SUPPRESS,) * 2 if after_command else (None, False)
    parser.add_argument("--config", type=Path, metavar="FILE", default=default,
                        help="settings file; paths in it are relative to it (default: "
                             "config.yaml in the current folder, if there is one)")
    parser.add_argument("--source", type=Path, action="append", metavar="PATH", default=default,
                        help="a notes folder or a single note file instead of `sources:` in "
                             "the config; repeat for several")
    parser.add_argument("--out", type=Path, metavar="DIR", default=default,
                        help="folder for everything generated (default: `output:` in the "
                             "config, or output/)")
    parser.add_argument("--lock", type=Path, metavar="FILE", default=default,
                        help="lock file that keeps card ids stable (default: `lock:` in the "
                             "config, or studypack.lock beside it; never inside a notes folder)")
    parser.add_argument("--strict", action="store_true", default=flag,
                        help="exit with status 1 when there are warnings, not only errors")


def _lock_options(parser: Options) -> None:
    parser.add_argument("--config", type=Path, metavar="FILE", default=argparse.SUPPRESS,
                        help="settings file whose `lock:` is meant (default: config.yaml in "
                             "the current folder)")
    parser.add_argument("--lock", type=Path, metavar="FILE", default=argparse.SUPPRESS,
                        help="the lock file itself")


def _age(text: str) -> int:
    """Seconds in an age written as 180d or 26w."""
    match = re.fullmatch(r"(\d+)\s*([dw]?)", text.strip())
    if match is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not an age such as 180d or 26w")
    days = int(match.group(1)) * (7 if match.group(2) == "w" else 1)
    return days * 86400


def _build_options(parser: Options, after_command: bool = False) -> None:
    default, flag = (argparse.SUPPRESS,) * 2 if after_command else (None, False)
    parser.add_argument("--only", metavar="LIST", default=default,
                        help=f"comma-separated outputs to build, from: {','.join(OUTPUTS)} "
                             "(default: `outputs:` in the config)")
    parser.add_argument("--from", dest="from_yaml", type=Path, metavar="NOTES_YAML",
                        default=default,
                        help="start from an existing notes.yaml instead of reading the notes")
    parser.add_argument("--watch", action="store_true", default=flag,
                        help="build, then rebuild after every save to the notes or config.yaml, "
                             "one line per build, until Ctrl-C")
    parser.add_argument("--jobs", "-j", type=_processes, metavar="N", default=default,
                        help="run at most N worker processes (PDFs, card rendering, note "
                             "reading) (default: `jobs:` in the config, or one per CPU)")
    parser.add_argument("--quiet", "-q", action="store_true", default=flag,
                        help="no progress and no summary: print only warnings and errors (the "
                             "full report is still written to output/report.txt)")


def _processes(text: str) -> int:
    """A number of worker processes: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of processes; give a whole "
                                         "number of at least 1")
    return value


def _check_options(parser: Options, after_command: bool = False) -> None:
    parser.add_argument("--format", choices=("text", "json"),
                        default=argparse.SUPPRESS if after_command else "text",
                        help="how check prints its problems (json: for editors and CI)")


def collect_garbage_less_often() -> None:
    """Tune the collector for a build, in this process and the workers it forks.

    A build makes hundreds of thousands of small objects that live until it ends; collecting
    every 700 allocations spent a fifth of the time on them at 10,000 cards.
    """
    gc.set_threshold(100_000, 20, 20)


def main(argv: list[str] | None = None) -> int:
    """Run the command and return the process exit code."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    collect_garbage_less_often()
    try:
        if args.command == "init":
            command = None if program() == "build.py" else "studypack"
            print(init(args.dir, force=args.force, command=command), end="")
            return ExitCode.OK
        if args.command == "prune":
            print(prune_lock(_lock_file(args), args.older_than))
            return ExitCode.OK
        only = _only(args.only)
        if args.watch and (args.check or args.from_yaml):
            return _usage("--watch rebuilds from the notes; it cannot be used with "
                          + ("check" if args.check else "--from"))
        if args.watch:
            return watch(lambda: settings(args), _config_file(args), only)
        config = settings(args)
        if args.command == "check" or args.check:
            from studypack.check import as_json, as_text, check  # renders cards: heavier imports

            report = check(config)
            print(as_json(report) if args.format == "json" else as_text(report), end="")
        else:
            said = (lambda ready: None) if args.quiet else _say_ready(sys.stdout)
            with progress.display(sys.stderr, quiet=args.quiet) as shown:
                report = build(config, only=only, from_yaml=args.from_yaml, progress=shown,
                               ready=said)
            summary.show(report, sys.stdout, quiet=args.quiet)
            if not args.from_yaml and not any(doc.items for doc in report.documents):
                print(f"note: {no_cards(report)}", file=sys.stderr)
    except _Usage as error:
        return _usage(str(error))
    except StudypackError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print(f"{program()}: interrupted; no output is half written: those this build "
              "finished are in place, the others are the last build's", file=sys.stderr)
        return ExitCode.INTERRUPTED
    if report.count("error") or ((args.strict or config.strict) and report.count("warning")):
        return ExitCode.DIAGNOSTICS
    return ExitCode.OK


def _say_ready(stdout: TextIO) -> Callable[[Ready], None]:
    """Print `ready: ...` the moment the quick outputs are in place, while PDFs render.

    `stdout` is the real one: a progress bar reroutes sys.stdout to print above itself, which
    is right on a terminal, but a pipe or a file must get the line itself, and at once.
    """

    def say(ready: Ready) -> None:
        print(f"ready: {ready}", file=sys.stdout if stdout.isatty() else stdout, flush=True)

    return say


class _Usage(Exception):
    """A wrong option value, printed the way argparse prints its own."""


def _usage(message: str) -> int:
    print(f"{program()}: {message}", file=sys.stderr)
    return ExitCode.USAGE


def _only(value: str | None) -> tuple[str, ...] | None:
    if not value:
        return None
    only = tuple(name.strip() for name in value.split(",") if name.strip())
    for name in only:
        if name not in OUTPUTS:
            close = difflib.get_close_matches(name, OUTPUTS, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise _Usage(f"--only: unknown output {name!r} ({hint}choose from "
                         f"{','.join(OUTPUTS)}, comma-separated)")
    return only


def _config_file(args: argparse.Namespace) -> Path | None:
    """The settings file this run reads, if any."""
    if args.config:
        return args.config
    return Path("config.yaml") if Path("config.yaml").exists() else None


def settings(args: argparse.Namespace) -> Config:
    """config.yaml as it is on disk now, with the command line's options applied."""
    path = _config_file(args)
    if path is None and not args.source and not args.from_yaml \
            and not Path("source_notes").exists():
        raise ConfigError(f"no config.yaml in {Path.cwd()}; run {program()} in your notes "
                          "project's folder, or give --config FILE or --source DIR; "
                          f"`{program()} init DIR` creates a new project")
    config = load_config(path)
    if args.source:
        config = replace(config, sources=tuple(p.resolve() for p in args.source))
    if args.out:
        config = replace(config, output=args.out.resolve())
    if args.lock:
        config = replace(config, lock=args.lock.resolve())
    if getattr(args, "jobs", None):
        config = replace(config, jobs=args.jobs)
    _check_folders(config)
    return config


def _check_folders(config: Config) -> None:
    """Refuse notes inside the output folder and an output folder inside the notes."""
    output = config.output.resolve()
    for source in config.sources:
        source = source.resolve()
        if source.is_relative_to(output):
            raise _Usage(f"the notes {source} are inside the output folder {output}, whose "
                         "files a build never reads; move them out, or choose another --out")
        if source.is_dir() and output.is_relative_to(source):
            raise _Usage(f"the output folder {output} is inside the notes {source}, where its "
                         "files would be read as notes; choose an --out outside the notes")


def _lock_file(args: argparse.Namespace) -> Path:
    """The lock a prune works on: --lock, or the one its config names."""
    if getattr(args, "lock", None):
        return args.lock.resolve()
    return load_config(getattr(args, "config", None) or _config_file(args)).lock


def prune_lock(lock: Path, older_than: int) -> str:
    """Drop the lock's entries absent for longer than `older_than` seconds; say what it did."""
    if not lock.exists():
        raise ConfigError(f"{lock}: no such lock file; give --lock FILE or --config FILE")
    entries = identity.read_lock(lock)
    absent = sum(1 for entry in entries.values() if entry.absent_since is not None)
    kept = identity.prune(entries, now() - older_than)
    if len(kept) != len(entries):
        write_atomic(lock, identity.dump_lock(kept).encode())
    return (f"pruned {len(entries) - len(kept)} of {absent} absent cards from {lock}; "
            f"it keeps {len(kept)} cards")


def no_cards(report: Report) -> str:
    """Why a build found no questions, and what to do about it."""
    files = len(report.documents)
    return (f"no cards: none of the {files} note files holds questions in a shape studypack "
            f"reads (see the warnings above); `{program()} init DIR` writes an example of each "
            "shape, and `dialect:` in a note's front matter names its shape")
