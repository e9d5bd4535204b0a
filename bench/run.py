"""Times every stage of a studypack build on synthetic corpora and writes docs/PERFORMANCE.md.

For each size N it generates a corpus (bench/generate.py), then

* times each stage in a fresh process by calling the studypack functions directly (read,
  normalize, YAML dump and load, formulas, deck, cheat sheet, handouts), cold (new output
  folder, no lock, no formula cache) and warm (the same folder again);
* times `build.py` end to end in child processes: cold, no-op rebuild, one edited answer
  (and when it printed `ready:`), to notes.yaml only, and to notes.yaml and the deck with a
  cold and a warm formula cache;
* measures CPU seconds per page of handouts and of the cheat sheet against a plain-text
  floor, the same cards' words laid out by WeasyPrint alone (bench/floor.py);
* at --jobs-sizes, times the full build with --jobs 1 and --jobs 2, for a projection to more
  cores;
* records the peak resident memory of every child process (and of its whole process tree).

The seed notes (../shared/seed_notes, never written to) get the end-to-end runs too, each cold
build paired with the print floor: the same notes as plain Markdown printed by WeasyPrint.
Targets are ratios of figures measured in the same run. PDFs of large sizes can be skipped
(--skip-pdf-above) so that a run finishes in reasonable time. `--profile` adds cProfile
listings; `--quick` gives the targets table on small sizes in a few minutes.

    python bench/run.py --sizes 300,1000 --repeat 3
    python bench/run.py --quick
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import itertools
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # the checkout's studypack wins over an installed one

DOC = REPO / "docs" / "PERFORMANCE.md"
E2E = ("floor", "cold", "noop", "edit", "yaml", "apkg_cold", "apkg_cached")
RUNS = ("yaml", "apkg", "cold", "noop", "edit")
MB = 1024 * 1024
MAX_WORKER_MB = 12 * 1024  # a measuring worker holds a whole pack; stop it before the machine


# -- child processes ----------------------------------------------------------------------


@dataclass
class Child:
    """One measured child process."""

    seconds: float
    cpu_seconds: float  # user + system time of the process and its finished children
    maxrss_mb: float  # largest single process of the tree (from wait4)
    tree_mb: float  # largest sum of Pss over the live process tree (sampled every 0.1 s)
    code: int
    timed_out: bool = False
    stopped: str = ""  # why it was stopped early, if it was
    load: float = 0.0  # one-minute load average when it started: how noisy the machine was
    stdout: str = ""
    stderr: str = ""
    ready: float | None = None  # seconds from start until the build printed its `ready:` line


# What a build prints once notes.yaml, the deck and the preview are in place (in --watch
# after the time of day), before its PDFs are done.
READY = re.compile(r"^(?:\d\d:\d\d:\d\d )?ready: ")


def run_child(command: list[str], timeout: float, cwd: Path, max_mb: float = 8192) -> Child:
    """Run command, timing it and sampling its memory; kill its process group when it takes
    longer than timeout seconds or more than max_mb of memory.

    The clock stops when the process ends (a blocking wait), not at the next memory sample:
    a sub-second build would otherwise be rounded up to the sampling interval. Its stdout is
    read line by line as it comes (unbuffered, as on a terminal), so the moment a `ready:`
    line appears is known.
    """
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": os.pathsep.join(
        p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)}
    load = os.getloadavg()[0]
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE,
                                   stderr=err, start_new_session=True)
        ended = threading.Event()
        tree, stopped = 0, ""
        lines: list[tuple[float, str]] = []

        def sample() -> None:
            nonlocal tree, stopped
            while True:
                tree = max(tree, _tree_rss(process.pid))
                if time.perf_counter() - start > timeout:
                    stopped = f"timed out after {timeout:.0f} s"
                elif tree > max_mb * MB:
                    stopped = f"stopped at {tree / MB:.0f} MB, over {max_mb:.0f} MB"
                if stopped:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(process.pid, signal.SIGKILL)
                if stopped or ended.wait(0.1):
                    return

        def read() -> None:
            assert process.stdout is not None
            for raw in process.stdout:
                lines.append((time.perf_counter() - start, raw.decode(errors="replace")))

        sampler = threading.Thread(target=sample, daemon=True)
        reader = threading.Thread(target=read, daemon=True)
        sampler.start()
        reader.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        ended.set()
        sampler.join()
        reader.join(5)  # a process the build left behind may hold the pipe; stop waiting
        if process.stdout and not reader.is_alive():
            process.stdout.close()
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        ready = next((at for at, line in lines if READY.match(line)), None)
        return Child(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
                     tree / MB, process.returncode, bool(stopped), stopped, load,
                     "".join(line for _, line in lines), err.read().decode(errors="replace"),
                     ready)


def _tree_rss(root: int) -> int:
    """Bytes of memory root and all its descendants use right now.

    Each process counts its proportional set size (Pss): a page shared by forked workers is
    split between them rather than counted once per process, as resident sizes would.
    """
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(f"/proc/{entry.name}/stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    family, changed = {root}, True
    while changed:
        grown = family | {pid for pid, parent in parents.items() if parent in family}
        changed, family = grown != family, grown
    return sum(_process_bytes(pid) for pid in family)


def _process_bytes(pid: int) -> int:
    """The process's Pss, or its resident size where the kernel has no smaps_rollup."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError, ValueError):
        return 0


def build_command(config: Path, notes: Path, out: Path, lock: Path,
                  only: str | None = None, extra: tuple[str, ...] = ()) -> list[str]:
    """build.py of this checkout on the given notes, output folder and lock."""
    command = [sys.executable, str(REPO / "build.py"), "--config", str(config), "--source",
               str(notes), "--out", str(out), "--lock", str(lock), *extra]
    return command + (["--only", only] if only else [])


@functools.cache
def build_options() -> str:
    """build.py's --help: which options this checkout's build has (--jobs is newer)."""
    return subprocess.run([sys.executable, str(REPO / "build.py"), "--help"], cwd=REPO,
                          capture_output=True, text=True, check=False).stdout


def floor_command(notes: Path, out: Path, processes: int) -> list[str]:
    """bench/floor.py printing every note file as plain Markdown, `processes` at a time."""
    files = sorted(str(p) for p in notes.rglob("*") if p.is_file())
    return [sys.executable, str(REPO / "bench" / "floor.py"), "--out", str(out),
            "--processes", str(processes), *files]


# -- in-process stages (run in a fresh worker process) ------------------------------------


def _maxrss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


DATE = "2000-01-01"


def handout_jobs(pdf: Any, pack: Any, folder: Path) -> list:
    """One job per topic handout, as a build makes them."""
    return [pdf.PdfJob("handout", folder / f"{t.slug}.pdf", DATE, (t.slug,), t.title)
            for t in pack.topics]


def render_all_formulas(pack: Any, media: Path) -> tuple[int, int]:
    """Render every formula of the pack's cards as the writers would; (occurrences, distinct)."""
    from studypack import formulas

    seen: set[tuple[str, bool]] = set()
    count = 0
    for card in pack.cards:
        for text in (card.question, card.answer):
            for _, _, tex, display in formulas.find(text):
                formulas.render(tex, display, media)
                seen.add((tex, display))
                count += 1
    return count, len(seen)


def run_stages(config: Any, lock: dict, with_pdf: bool) -> tuple[dict, dict, dict, Any]:
    """Time each stage once; returns (seconds, peak MB after each stage, facts, new lock)."""
    from studypack import intermediate, pipeline
    from studypack.normalize import normalize
    from studypack.writers import anki, pdf

    seconds: dict[str, float] = {}
    memory: dict[str, float] = {}
    facts: dict[str, Any] = {}

    def timed(name: str, function: Any, *args: Any) -> Any:
        start = time.perf_counter()
        value = function(*args)
        seconds[name] = time.perf_counter() - start
        memory[name] = _maxrss_mb()
        return value

    documents = timed("read", lambda: pipeline.read_documents(config, pipeline.discover(config)))
    result = timed("normalize", normalize, documents, config, lock, int(time.time()))
    text = timed("yaml_dump", intermediate.dump, result.pack)
    pack = timed("yaml_load", intermediate.load, text, "notes.yaml")
    media = config.output / ".cache" / "media"
    facts["formula_occurrences"], facts["formula_distinct"] = timed(
        "formulas", render_all_formulas, pack, media)
    modified = {card_id: entry.modified for card_id, entry in result.lock.items()}
    timed("deck", anki.write, pack, config.output / "deck.apkg",
          anki.DeckContext(config.sources, media, modified))
    facts["cards"] = len(pack.cards)
    facts["yaml_bytes"] = len(text.encode())
    facts["deck_bytes"] = (config.output / "deck.apkg").stat().st_size
    if with_pdf:
        context = pdf.PrintContext(config.sources, media, config.cheatsheet)
        timed("cheatsheet", pdf.write_cheatsheet, pack, config.output / "cheatsheet.pdf",
              context, DATE)
        # The handouts as the build makes them: one process per CPU.
        (config.output / "handouts").mkdir(parents=True, exist_ok=True)
        timed("handouts", pdf.write_all, pack, handout_jobs(pdf, pack, config.output / "handouts"),
              context)
        facts["cheatsheet_pages"] = pdf_pages(config.output / "cheatsheet.pdf")
        facts["handout_pages"] = {p.stem: pdf_pages(p)
                                  for p in sorted((config.output / "handouts").glob("*.pdf"))}
    return seconds, memory, facts, result.lock


def stages_worker(corpus: Path, work: Path, repeat: int, pdf_repeat: int) -> dict:
    """Cold and warm stage timings, repeat times, in this process."""
    from studypack.config import load_config

    config = load_config(corpus / "config.yaml")
    runs: dict[str, dict[str, list[float]]] = {"cold": {}, "warm": {}}
    memory: dict[str, float] = {}
    facts: dict[str, Any] = {}
    for index in range(repeat):
        folder = work / f"stages-{index}"
        shutil.rmtree(folder, ignore_errors=True)
        current = replace(config, output=folder / "output", lock=folder / "studypack.lock")
        with_pdf = index < pdf_repeat
        cold, cold_memory, cold_facts, lock = run_stages(current, {}, with_pdf)
        warm, _, _, _ = run_stages(current, lock, with_pdf)
        if index == 0:
            memory, facts = cold_memory, cold_facts
        for phase, seconds in (("cold", cold), ("warm", warm)):
            for stage, value in seconds.items():
                runs[phase].setdefault(stage, []).append(value)
        shutil.rmtree(folder, ignore_errors=True)
    return {"runs": runs, "memory_after": memory, "facts": facts}


SAMPLE = 3  # handouts of the largest and of the smallest topics timed above --sample-above


def floor_worker(corpus: Path, work: Path, sample_above: int, combined: bool) -> dict:
    """CPU seconds per page of handouts (one at a time), of the cheat sheet and of the
    plain-text floor of the same cards' words, all in this one process, so they share one
    state of the machine; with `combined`, all.pdf (every topic in one handout) too."""
    from bench import floor as floors
    from studypack import intermediate, pipeline
    from studypack.config import load_config
    from studypack.normalize import normalize
    from studypack.writers import pdf

    config = load_config(corpus / "config.yaml")
    folder = work / "floor"
    shutil.rmtree(folder, ignore_errors=True)
    config = replace(config, output=folder, lock=folder / "studypack.lock")
    result = normalize(pipeline.read_documents(config, pipeline.discover(config)), config, {}, 0)
    pack = intermediate.load(intermediate.dump(result.pack), "notes.yaml")
    media = folder / ".cache" / "media"
    render_all_formulas(pack, media)
    context = pdf.PrintContext(config.sources, media, config.cheatsheet, config.lang)
    chosen = sample_topics(list(pack.topics), len(pack.cards) > sample_above)

    def timed(target: Path, render: Any, *args: Any) -> dict:
        wall, cpu = time.perf_counter(), time.process_time()
        render(*args)
        return {"seconds": time.perf_counter() - wall, "cpu_seconds": time.process_time() - cpu,
                "pages": pdf_pages(target)}

    texts = [text for topic in chosen for card in topic.cards
             for text in (card.question, card.answer)]
    # A first small handout takes one-time set-up (fonts, hyphenation patterns) out of every
    # measurement, as the build does before it forks; the floor is laid out before and after
    # the handouts, in case the machine's speed drifts.
    smallest = min(pack.topics, key=lambda t: len(t.cards))
    pdf.write_handout(pack, [smallest], folder / "warm-up.pdf", context, smallest.title, DATE)
    plain = [floors.plain_text(texts, folder / "plain.pdf")]
    topics = []
    for topic in chosen:
        target = folder / f"{topic.slug}.pdf"
        topics.append({"slug": topic.slug, "cards": len(topic.cards),
                       **timed(target, pdf.write_handout, pack, [topic], target, context,
                               topic.title, DATE)})
    plain.append(floors.plain_text(texts, folder / "plain.pdf"))
    target = folder / "cheatsheet.pdf"
    cheatsheet = timed(target, pdf.write_cheatsheet, pack, target, context, DATE)
    found: dict[str, Any] = {"topics": topics, "cheatsheet": cheatsheet, "plain": plain,
                             "sampled": len(chosen) < len(pack.topics),
                             "topic_count": len(pack.topics), "cards": len(pack.cards)}
    if combined:
        target = folder / "all.pdf"
        found["all"] = {"cards": len(pack.cards), **timed(
            target, pdf.write_handout, pack, list(pack.topics), target, context, pack.title,
            DATE)}
    shutil.rmtree(folder, ignore_errors=True)
    return found


def sample_topics(topics: list, sample: bool) -> list:
    """Every topic, or the SAMPLE largest and SAMPLE smallest (by cards) when sampling."""
    if not sample or len(topics) <= 2 * SAMPLE:
        return topics
    ordered = sorted(topics, key=lambda t: (-len(t.cards), t.slug))
    return ordered[:SAMPLE] + ordered[-SAMPLE:]


def profile_worker(kind: str, corpus: Path, work: Path) -> dict:
    """cProfile of a build in this process: 'full' (every output, PDFs one after another) or
    'apkg' (notes to deck with the formula cache already filled)."""
    import cProfile
    import pstats

    from studypack import intermediate, pipeline
    from studypack.config import load_config
    from studypack.normalize import normalize
    from studypack.writers import anki, pdf

    config = load_config(corpus / "config.yaml")
    folder = work / f"profile-{kind}"
    shutil.rmtree(folder, ignore_errors=True)
    config = replace(config, output=folder, lock=folder / "studypack.lock")
    media = folder / ".cache" / "media"
    if kind == "apkg":
        documents = pipeline.read_documents(config, pipeline.discover(config))
        result = normalize(documents, config, {}, 0)
        render_all_formulas(intermediate.load(intermediate.dump(result.pack), "x"), media)
    profiler = cProfile.Profile()
    marks: dict[str, float] = {}

    def mark(name: str) -> None:
        marks[name] = time.perf_counter()

    profiler.enable()
    mark("start")
    documents = pipeline.read_documents(config, pipeline.discover(config))
    mark("read")
    result = normalize(documents, config, {}, 0)
    mark("normalize")
    pack = intermediate.load(intermediate.dump(result.pack), "notes.yaml")
    mark("yaml")
    modified = {card_id: entry.modified for card_id, entry in result.lock.items()}
    anki.write(pack, folder / "deck.apkg", anki.DeckContext(config.sources, media, modified))
    mark("deck")
    if kind == "full":
        context = pdf.PrintContext(config.sources, media, config.cheatsheet)
        pdf.write_cheatsheet(pack, folder / "cheatsheet.pdf", context, DATE)
        mark("cheatsheet")
        for topic in pack.topics:
            pdf.write_handout(pack, [topic], folder / f"{topic.slug}.pdf", context, topic.title,
                              DATE)
        mark("handouts")
    profiler.disable()
    names = list(marks)
    phases = {name: marks[name] - marks[before] for before, name in itertools.pairwise(names)}
    stats = pstats.Stats(profiler)
    rows = []
    for (path, line, function), (_, calls, total, cumulative, _) in stats.stats.items():
        rows.append({"function": f"{_short(path)}:{function}", "line": line, "calls": calls,
                     "tottime": total, "cumtime": cumulative})
    shutil.rmtree(folder, ignore_errors=True)
    return {"kind": kind, "cards": len(pack.cards), "phases": phases,
            "total": sum(r["tottime"] for r in rows),
            "rows": [r for r in rows if r["cumtime"] >= 0.005]}


def _short(path: str) -> str:
    if path.startswith(("<", "~")):
        return path.strip("<>~") or "builtins"
    for marker in ("site-packages/", "/lib/python3"):
        if marker in path:
            tail = path.split(marker, 1)[1]
            return tail.split("/", 1)[1] if marker.startswith("/lib") else tail
    with contextlib.suppress(ValueError):
        return str(Path(path).resolve().relative_to(REPO))
    return Path(path).name


def pdf_pages(path: Path) -> int:
    """Pages of a PDF: page objects in the file and in its compressed object streams."""
    data = path.read_bytes()
    chunks = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        with contextlib.suppress(zlib.error):
            chunks.append(zlib.decompress(match.group(1)))
    return sum(len(re.findall(rb"/Type\s*/Page\b(?!s)", chunk)) for chunk in chunks)


def worker_main(args: argparse.Namespace) -> int:
    """Entry point of a worker process: run one kind of measurement, write JSON."""
    from studypack.cli import collect_garbage_less_often

    collect_garbage_less_often()  # as build.py does, so stages cost what they cost in a build
    corpus, work = Path(args.corpus), Path(args.work)
    if args.worker == "stages":
        result = stages_worker(corpus, work, args.repeat, args.pdf_repeat)
    elif args.worker == "floor":
        result = floor_worker(corpus, work, args.sample_above, args.profile)
    else:
        result = profile_worker(args.worker.removeprefix("profile-"), corpus, work)
    Path(args.json).write_text(json.dumps(result), encoding="utf-8")
    return 0


def run_worker(kind: str, corpus: Path, work: Path, timeout: float,
               extra: tuple[str, ...] = ()) -> tuple[dict | None, Child]:
    """A worker in a fresh process, so its peak memory and caches are its own."""
    target = work / f"{kind}.json"
    target.unlink(missing_ok=True)
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", kind, "--corpus",
               str(corpus), "--work", str(work), "--json", str(target), *extra]
    child = run_child(command, timeout, work, MAX_WORKER_MB)
    if child.code != 0 or not target.exists():
        return None, child
    return json.loads(target.read_text(encoding="utf-8")), child


# -- end to end ---------------------------------------------------------------------------


def edit_one_answer(notes: Path, notes_yaml: Path) -> tuple[Path, bytes, str]:
    """Append a word to one line of one answer in the notes; (file, its old bytes, card id).

    The card is picked the same way every time: the middle one of those whose answer starts
    with a plain line that can be found in its Markdown or text file.
    """
    import yaml

    data = yaml.load(notes_yaml.read_text(encoding="utf-8"), Loader=_loader())
    cards = [card for topic in data["topics"] for card in topic["cards"]
             if Path(card["source"]["path"]).suffix in (".md", ".markdown", ".txt")
             and "merged" not in card]
    candidates = []
    for card in cards:
        first = card["answer"].strip().split("\n", 1)[0]
        needle = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", first).strip()[:50]
        if len(needle) >= 20 and not re.search(r"[$`|<>#\[\]]", needle):
            candidates.append((card, needle))
    for card, needle in candidates[len(candidates) // 2:] + candidates[: len(candidates) // 2]:
        path = notes / card["source"]["path"]
        original = path.read_bytes()
        lines = original.decode("utf-8").split("\n")
        for number in range(card["source"]["line"], len(lines)):
            if needle in lines[number]:
                lines[number] = lines[number].rstrip() + " Edited."
                path.write_bytes("\n".join(lines).encode("utf-8"))
                return path, original, card["id"]
    raise LookupError("no answer line to edit was found")


def _loader() -> type:
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def answers(notes_yaml: Path) -> dict[str, str]:
    """Card id -> answer, to check what an edit changed."""
    import yaml

    data = yaml.load(notes_yaml.read_text(encoding="utf-8"), Loader=_loader())
    return {card["id"]: card["answer"] for topic in data["topics"] for card in topic["cards"]}


def end_to_end(config: Path, notes: Path, work: Path, with_pdf: bool, pdf_repeat: int,
               args: argparse.Namespace, log: Any, print_floor: bool = False) -> dict:
    """build.py timings: cold, no-op, one edit; to notes.yaml; to the deck, cold and cached.

    With `print_floor`, the print floor (bench/floor.py on the same notes) runs just before
    each cold build, so that each pair shares the state of the machine.
    """
    runs: dict[str, list[dict]] = {name: [] for name in E2E}
    notes_info: list[str] = []
    full = None if with_pdf else "yaml,anki"
    processes = os.cpu_count() or 1  # the PDF processes a build runs at a time
    wanted = set(args.runs)

    def measure(name: str, base: Path, out: str, only: str | None) -> Child:
        child = run_child(build_command(config, notes, base / out, base / f"{out}.lock", only),
                          args.timeout, base, args.max_memory_mb)
        runs[name].append({**_child_record(child), "outputs": only or "all"})
        log(f"    {name:<12} {_describe(child)}")
        return child

    def fresh(index: int) -> Path:
        base = work / f"e2e-{index}"
        shutil.rmtree(base, ignore_errors=True)
        base.mkdir(parents=True)
        return base

    # Every repeat of the short runs first, then the long ones: the repeats of a short run are
    # taken close together, not on either side of minutes of full load.
    for index in range(args.repeat):
        base = fresh(index)
        if "yaml" in wanted:
            measure("yaml", base, "yaml", "yaml")
        if "apkg" in wanted and measure("apkg_cold", base, "anki", "yaml,anki").code == 0:
            # Only the rendered formulas stay: the notes are read and the deck written again.
            for stale in (".cache/plan.pickle", ".cache/outputs.json", ".cache/cards.pickle",
                          "deck.apkg"):
                (base / "anki" / stale).unlink(missing_ok=True)
            (base / "anki.lock").unlink(missing_ok=True)
            measure("apkg_cached", base, "anki", "yaml,anki")
        shutil.rmtree(base, ignore_errors=True)
    long_repeats = (pdf_repeat if with_pdf else args.repeat) if "cold" in wanted else 0
    for index in range(long_repeats):
        base = fresh(index)
        if print_floor:
            floor = run_child(floor_command(notes, base / "floor", processes), args.timeout,
                              base, args.max_memory_mb)
            record = {**_child_record(floor), "outputs": "plain Markdown PDFs"}
            with contextlib.suppress(ValueError, IndexError):
                record.update(json.loads(floor.stdout.strip().splitlines()[-1]))
            runs["floor"].append(record)
            log(f"    {'floor':<12} {_describe(floor)}  {record.get('pages', '?')} pages")
        cold = measure("cold", base, "full", full)
        if cold.timed_out or cold.code not in (0, 1):
            notes_info.append(f"cold build ({cold.stopped or f'exit {cold.code}'}): "
                              f"{cold.stderr[-300:].strip()}")
            break
        if "noop" in wanted:
            measure("noop", base, "full", full)
        if "edit" in wanted:
            before = answers(base / "full" / "notes.yaml")
            path, original, card_id = edit_one_answer(notes, base / "full" / "notes.yaml")
            try:
                edit = measure("edit", base, "full", full)
            finally:
                path.write_bytes(original)
            after = answers(base / "full" / "notes.yaml")
            changed = sorted(k for k in before if before[k] != after.get(k))
            if index == 0:
                ready = "no `ready:` line" if edit.ready is None else \
                    f"`ready:` after {edit.ready:.2f} s"
                notes_info.append(f"edited card {card_id} in {path.name}; cards whose "
                                  f"answer changed: {', '.join(changed) or 'none'}; {ready}")
        shutil.rmtree(base, ignore_errors=True)
    return {"runs": runs, "notes": notes_info}


def _child_record(child: Child) -> dict:
    record = asdict(child)
    record.pop("stdout")
    record["stderr"] = child.stderr[-500:]
    record["summary"] = next((line for line in child.stdout.splitlines()
                              if line.strip() and not READY.match(line)), "")
    return record


def _describe(child: Child) -> str:
    state = child.stopped or f"exit {child.code}"
    ready = "" if child.ready is None else f"ready {child.ready:.2f} s  "
    return (f"{child.seconds:7.2f} s  {ready}CPU {child.cpu_seconds:7.2f} s  max RSS "
            f"{child.maxrss_mb:6.0f} MB  tree {child.tree_mb:6.0f} MB  load {child.load:.1f}  "
            f"({state})")


# -- orchestration ------------------------------------------------------------------------


def measure_size(n: int, args: argparse.Namespace, work: Path, log: Any) -> dict:
    """Everything measured for one corpus size."""
    from bench.generate import generate

    corpus = work / f"corpus-{n}"
    shutil.rmtree(corpus, ignore_errors=True)
    stats = generate(n, corpus, args.seed)
    with_pdf = n <= args.skip_pdf_above
    log(f"N = {n:,}: {sum(stats.files.values())} files, {stats.bytes:,} bytes; PDFs "
        f"{'on' if with_pdf else 'skipped'}")
    result: dict[str, Any] = {"corpus": stats.as_dict(), "pdf": with_pdf, "notes": []}
    scratch = work / f"run-{n}"
    scratch.mkdir(exist_ok=True)
    if not args.no_stages:
        stages, child = run_worker(
            "stages", corpus, scratch, args.timeout * 4 * args.repeat,
            ("--repeat", str(args.repeat), "--pdf-repeat",
             str(args.pdf_repeat if with_pdf else 0)))
        if stages is None:
            result["notes"].append(f"stage timings failed ({child.stopped or child.code}): "
                                   f"{child.stderr[-400:].strip()}")
        else:
            stages.update(maxrss_mb=child.maxrss_mb, tree_mb=child.tree_mb,
                          cpu_seconds=child.cpu_seconds, load=child.load)
            result["stages"] = stages
            log("  stages (cold medians): " + ", ".join(
                f"{k} {statistics.median(v):.2f}" for k, v in stages["runs"]["cold"].items()))
    log("  end to end:")
    result["e2e"] = end_to_end(corpus / "config.yaml", corpus / "notes", scratch, with_pdf,
                               args.pdf_repeat, args, log)
    if n in args.jobs_sizes:
        full = full_builds(corpus / "config.yaml", corpus / "notes", scratch, args, log)
        result["e2e"]["runs"].update(full["runs"])
        result["e2e"]["notes"] += full["notes"]
    if not args.no_floor:
        extra = ("--sample-above", str(args.sample_above),
                 *(["--profile"] if args.profile and n in args.floor_sizes else []))
        floor, child = run_worker("floor", corpus, scratch, args.timeout * 4, extra)
        result["floor"] = floor or {"error": child.stderr[-400:]}
        log(f"  floor: {_floor_line(result['floor'])}")
    if args.profile:
        kinds = ["apkg"] + (["full"] if n in args.floor_sizes and with_pdf else [])
        result["profile"] = {}
        for kind in kinds:
            profile, child = run_worker(f"profile-{kind}", corpus, scratch, args.timeout * 4)
            result["profile"][kind] = profile or {"error": child.stderr[-400:]}
            log(f"  profile {kind}: {child.seconds:.1f} s")
    shutil.rmtree(scratch, ignore_errors=True)
    if not args.keep:
        shutil.rmtree(corpus, ignore_errors=True)
    return result


def measure_seed_notes(args: argparse.Namespace, work: Path, log: Any) -> dict:
    """End-to-end runs on a private copy of the seed notes, with this checkout's config."""
    source = Path(args.seed_notes)
    if not source.is_dir():
        log(f"seed notes: {source} not found, skipped")
        return {"skipped": f"{source} not found"}
    copy = work / "seed" / "notes"
    shutil.rmtree(copy.parent, ignore_errors=True)
    shutil.copytree(source, copy)
    log(f"seed notes: {sum(1 for p in copy.rglob('*') if p.is_file())} files")
    result = end_to_end(REPO / "config.yaml", copy, work / "seed", True, args.repeat, args,
                        log, print_floor=True)
    shutil.rmtree(copy.parent, ignore_errors=True)
    return {"e2e": result}


def full_builds(config: Path, notes: Path, work: Path, args: argparse.Namespace,
                log: Any) -> dict:
    """Every output, cold, with --jobs 1 and --jobs 2, and the pages of every PDF made: what
    more cores buy. A build without --jobs runs once with its default instead."""
    runs: dict[str, list[dict]] = {}
    notes_info = []
    counts: list[int | None] = [1, 2] if "--jobs" in build_options() else [None]
    if counts == [None]:
        notes_info.append("`build.py --help` lists no `--jobs`: the full build ran once with its "
                          "default (one PDF process per CPU) instead of with --jobs 1 and 2")
    for count in counts:
        name = f"jobs{count or ''}"
        base = work / "full"
        shutil.rmtree(base, ignore_errors=True)
        base.mkdir(parents=True)
        extra = ("--jobs", str(count)) if count else ()
        child = run_child(build_command(config, notes, base / "out", base / "out.lock",
                                        extra=extra), args.timeout, base, args.max_memory_mb)
        runs[name] = [{**_child_record(child), "outputs": "all",
                       "jobs": count or os.cpu_count() or 1, "pages": output_pages(base / "out")}]
        log(f"    {name:<12} {_describe(child)}")
        shutil.rmtree(base, ignore_errors=True)
    return {"runs": runs, "notes": notes_info}


def output_pages(out: Path) -> dict:
    """Pages of the cheat sheet and of each handout a build wrote."""
    sheet = out / "cheatsheet.pdf"
    return {"cheatsheet": pdf_pages(sheet) if sheet.exists() else 0,
            "handouts": {p.stem: pdf_pages(p) for p in sorted((out / "handouts").glob("*.pdf"))}}


def _floor_line(floor: dict) -> str:
    if "error" in floor:
        return floor["error"]
    pages = sum(t["pages"] for t in floor["topics"])
    cpu = sum(t["cpu_seconds"] for t in floor["topics"])
    plain = floor["plain"][0]
    return (f"{len(floor['topics'])} handouts, {pages} pages, {cpu:.1f} s CPU; plain text "
            f"{plain['pages']} pages, {plain['cpu_seconds']:.1f} s CPU")


def _git_commit() -> str:
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, text=True,
                              capture_output=True, check=True).stdout.strip()
    return "unknown"


def main(argv: list[str] | None = None) -> int:
    """Command line: measure, save the results as JSON and write the performance page."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="300,1000,10000",
                        help="comma-separated corpus sizes (default 300,1000,10000)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs per measurement; tables show medians (default 3)")
    parser.add_argument("--pdf-repeat", type=int, default=1,
                        help="runs of measurements that make PDFs, for generated corpora "
                             "(default 1; the seed notes use --repeat)")
    parser.add_argument("--skip-pdf-above", type=int, default=1000, metavar="N",
                        help="no cheat sheet or handouts for corpora over N cards (default "
                             "1000)")
    parser.add_argument("--timeout", type=float, default=1800,
                        help="seconds one build may take before it is stopped (default 1800)")
    parser.add_argument("--max-memory-mb", type=float, default=8192,
                        help="stop a build whose processes use more memory (default 8192)")
    parser.add_argument("--runs", default=",".join(RUNS),
                        help=f"end-to-end runs to make (default {','.join(RUNS)}; noop and "
                             "edit need cold)")
    parser.add_argument("--no-stages", action="store_true",
                        help="skip the in-process stage timings")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    parser.add_argument("--seed-notes", default=str(REPO.parent / "shared" / "seed_notes"),
                        help="folder of real notes to time end to end (copied, never written)")
    parser.add_argument("--no-seed-notes", action="store_true", help="skip the seed notes")
    parser.add_argument("--jobs-sizes", default="10000",
                        help="sizes whose full build (every PDF, whatever --skip-pdf-above "
                             "says) is timed with --jobs 1 and --jobs 2 (default 10000)")
    parser.add_argument("--sample-above", type=int, default=1000, metavar="N",
                        help="over N cards, time the handouts of only the 3 largest and 3 "
                             "smallest topics for the per-page cost (default 1000)")
    parser.add_argument("--no-floor", action="store_true",
                        help="skip the per-page cost of handouts against the plain-text floor")
    parser.add_argument("--profile", action="store_true",
                        help="add cProfile listings and all.pdf to the per-page cost")
    parser.add_argument("--floor-sizes", default="1000",
                        help="sizes whose PDFs are profiled, and also printed as one all.pdf, "
                             "with --profile (default 1000)")
    parser.add_argument("--quick", action="store_true",
                        help="the targets table in a few minutes: --sizes 300 --repeat 1 "
                             "--jobs-sizes 300 --no-stages, written to output/bench/quick.md "
                             "and quick.json instead of docs/PERFORMANCE.md")
    parser.add_argument("--work", type=Path, help="scratch folder (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the generated corpora")
    parser.add_argument("--json", type=Path,
                        help="where the raw results go (default output/bench/results.json)")
    parser.add_argument("--doc", type=Path, help="page to write (default "
                        "docs/PERFORMANCE.md); only the part between its markers is replaced")
    parser.add_argument("--render", type=Path, nargs="+", metavar="JSON",
                        help="write the page from saved results (later files win) and stop")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker_main(args)

    from bench import report

    if args.quick:
        args.sizes, args.repeat, args.jobs_sizes, args.no_stages = "300", 1, "300", True
    out = REPO / "output" / "bench"
    args.json = args.json or out / ("quick.json" if args.quick else "results.json")
    args.doc = args.doc or (out / "quick.md" if args.quick else DOC)
    if args.render:
        results = report.merge([json.loads(p.read_text(encoding="utf-8")) for p in args.render])
        report.write(results, args.doc)
        print(f"wrote {args.doc}")
        return 0
    args.sizes = sorted(int(s) for s in args.sizes.split(",") if s.strip())
    args.runs = [r.strip() for r in args.runs.split(",") if r.strip()]
    if set(args.runs) - set(RUNS):
        parser.error(f"--runs: choose from {','.join(RUNS)}")
    args.floor_sizes = {int(s) for s in args.floor_sizes.split(",") if s.strip()}
    args.jobs_sizes = {int(s) for s in args.jobs_sizes.split(",") if s.strip()}
    work = args.work or Path(tempfile.mkdtemp(prefix="studypack-bench-"))
    work.mkdir(parents=True, exist_ok=True)

    def log(message: str) -> None:
        print(message, flush=True)

    results: dict[str, Any] = {
        "meta": {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
                 "commit": _git_commit(), "python": platform.python_version(),
                 "cpus": os.cpu_count(), "machine": platform.machine(),
                 "repeat": args.repeat, "pdf_repeat": args.pdf_repeat, "seed": args.seed,
                 "skip_pdf_above": args.skip_pdf_above, "timeout": args.timeout,
                 "sample_above": args.sample_above, "jobs_option": "--jobs" in build_options(),
                 "load_at_start": os.getloadavg()[0]},
        "sizes": {},
    }
    try:
        if not args.no_seed_notes:
            results["seed_notes"] = measure_seed_notes(args, work, log)
        for n in args.sizes:
            results["sizes"][str(n)] = measure_size(n, args, work, log)
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    finally:
        if args.work is None and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    report.write(results, args.doc)
    print("\n".join(report.targets(results)))
    print(f"wrote {args.doc} and {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
