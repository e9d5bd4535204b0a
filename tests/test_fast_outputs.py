"""The quick outputs land first, each PDF as it finishes; stopping midway leaves whole files.

The child builds here render PDFs with a stand-in for WeasyPrint (`_FAKE`), so that a test
decides how long each one takes: a handout waits a minute while an answer says SLOW, and
every PDF waits FAKE_PAUSE seconds otherwise. It logs when each render starts and ends.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from studypack import pipeline
from studypack.errors import Diagnostic
from studypack.writers import pdf
from tests.conftest import ROOT
from tests.test_watch import _Lines

ALL = ("yaml", "anki", "cheatsheet", "handouts", "preview")
NOTES = ("### What is a convolution?\nA sliding filter ({v}).\n\n"
         "### What is dropout?\nRandom zeroing ({v}).\n")
CONFIG = ("title: Fast\nsources: [notes]\noutputs: [yaml, anki, cheatsheet, handouts, preview]\n"
          "topics:\n  - {slug: cnn, title: CNN, words: [convolution]}\n"
          "  - {slug: reg, title: Regularization, words: [dropout]}\n")
_FAKE = """\
import os, runpy, sys, time
from pathlib import Path
from studypack.writers import pdf, write_atomic

def log(what, job):
    with open(os.environ["FAKE_LOG"], "a") as stream:
        stream.write(f"{what} {os.getpid()} {job.target.name} {time.time()}\\n")

def fake(pack, job, context):
    log("start", job)
    answers = " ".join(card.answer for card in pack.cards)
    time.sleep(60 if "SLOW" in answers and job.kind == "handout"
               else float(os.environ.get("FAKE_PAUSE", "0")))
    write_atomic(job.target, f"{job.kind}: {answers}".encode())
    log("end", job)
    return [], 0.0

pdf._run = fake
sys.argv = [sys.argv[1], *sys.argv[2:]]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def _project(tmp_path: Path, version: str) -> Path:
    (tmp_path / "config.yaml").write_text(CONFIG)
    (tmp_path / "notes").mkdir(exist_ok=True)
    (tmp_path / "notes" / "a.md").write_text(NOTES.format(v=version))
    (tmp_path / "fake.py").write_text(_FAKE)
    return tmp_path


def _start(project: Path, *args: str, pause: float = 0.0) -> subprocess.Popen[str]:
    """build.py with the stand-in renderer, in the project's folder."""
    env = {"PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": "1", "PYTHONPATH": str(ROOT),
           "PYTHONHASHSEED": "0",  # as build.py restarts itself: keeps the stand-in
           "FAKE_LOG": str(project / "renders.log"), "FAKE_PAUSE": str(pause)}
    return subprocess.Popen([sys.executable, str(project / "fake.py"), str(ROOT / "build.py"),
                             *args], cwd=project, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def _renders(project: Path) -> list[tuple[str, int, str, float]]:
    log = project / "renders.log"
    lines = log.read_text().split("\n") if log.exists() else []
    return [(what, int(pid), name, float(when))
            for what, pid, name, when in (line.split() for line in lines if line)]


def _pdfs(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes()
            for p in sorted(out.rglob("*.pdf")) if ".staging" not in p.parts}


def _gone(pids: set[int], within: float = 5) -> bool:
    """Whether every process has ended (a zombie not yet reaped counts as ended)."""
    end = time.monotonic() + within
    while time.monotonic() < end:
        alive = set()
        for pid in pids:
            try:
                state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except FileNotFoundError:
                continue
            if state not in ("Z", "X"):
                alive.add(pid)
        if not alive:
            return True
        time.sleep(0.05)
    return False


def _until(condition: Callable[[], bool], within: float = 30) -> None:
    end = time.monotonic() + within
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.02)


def test_quick_outputs_are_in_place_before_any_pdf_renders(tmp_path: Path, project_config,
                                                          monkeypatch) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text(NOTES.format(v="one"))
    config = replace(project_config, sources=(notes,), outputs=ALL)
    out = config.output
    seen: dict[str, bytes] = {}
    announced = []

    def look(pack, jobs, context, processes, done, stop=None) -> None:
        seen.update((p.name, p.read_bytes()) for p in out.iterdir() if p.is_file())
        seen["lock"] = project_config.lock.read_bytes()
        for index, job in enumerate(jobs):
            job.target.write_bytes(b"%PDF")
            done(index, [Diagnostic(job.target.name, None, "warning", "over budget")], 0.0)

    monkeypatch.setattr(pdf, "write_all", look)
    report = pipeline.build(config, ready=announced.append)
    assert sorted(seen) == ["deck.apkg", "lock", "notes.yaml", "preview.html"]
    assert seen["deck.apkg"] == (out / "deck.apkg").read_bytes()
    assert b"sliding filter (one)" in seen["preview.html"]
    assert [(r.outputs, r.pdfs) for r in announced] == [
        (("notes.yaml", "deck.apkg", "preview.html"), 3)]
    assert str(announced[0]).startswith("notes.yaml, deck.apkg, preview.html in ")
    assert str(announced[0]).endswith(" s; rendering 3 PDFs")
    # The report comes last, with what the PDFs found.
    assert "cheatsheet.pdf: warning: over budget" in (out / "report.txt").read_text()
    assert report.written[-1].endswith("report.txt")

    pipeline.build(config, ready=announced.append)  # nothing to render: nothing to announce
    assert len(announced) == 1


def test_a_pdf_that_finished_stays_and_is_skipped_when_the_build_fails(
        tmp_path: Path, run, project_config, monkeypatch) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text(NOTES.format(v="one"))
    out = project_config.output
    rendered: list[list[str]] = []

    def first_then_fail(pack, jobs, context, processes, done, stop=None) -> None:
        rendered.append([job.target.name for job in jobs])
        for index, job in enumerate(jobs):
            if len(rendered) == 2 and index == 1:
                job.target.write_bytes(b"%PDF half")
                raise RuntimeError("renderer crashed")
            job.target.write_bytes(f"{job.kind} {pack.cards[0].answer}".encode())
            done(index, [], 0.0)

    monkeypatch.setattr(pdf, "write_all", first_then_fail)
    run(notes, outputs=ALL)
    before = _pdfs(out)
    report_before = (out / "report.txt").read_bytes()
    (notes / "a.md").write_text(NOTES.format(v="two"))
    with pytest.raises(RuntimeError, match="renderer crashed"):
        run(notes, outputs=ALL)
    after = _pdfs(out)
    assert b"(two)" in after["cheatsheet.pdf"]  # it finished
    assert {k: v for k, v in after.items() if k != "cheatsheet.pdf"} == \
        {k: v for k, v in before.items() if k != "cheatsheet.pdf"}  # the others: old, whole
    assert b"(two)" in (out / "preview.html").read_bytes()
    assert (out / "report.txt").read_bytes() == report_before  # written once all is done
    assert not (out / ".staging").exists()
    run(notes, outputs=ALL)
    assert sorted(rendered[2]) == ["cnn-vision.pdf", "regularization.pdf"]  # not the sheet


def test_jobs_one_renders_one_pdf_at_a_time_after_the_ready_line(tmp_path: Path) -> None:
    project = _project(tmp_path, "one")
    build = _start(project, "--jobs", "1", pause=0.3)
    ready = build.stdout.readline()
    out = project / "output"
    at_ready = {p.name for p in out.iterdir() if p.is_file()}
    rest, errors = build.communicate(timeout=60)
    assert build.returncode == 0, errors
    assert ready.startswith("ready: notes.yaml, deck.apkg, preview.html in "), ready
    assert ready.endswith(" s; rendering 3 PDFs\n"), ready
    assert at_ready == {"notes.yaml", "deck.apkg", "preview.html"}  # no PDF yet, no report
    assert "ready:" not in rest and rest.startswith("Fast: 2 cards")
    renders = _renders(project)
    assert [what for what, _, _, _ in renders] == ["start", "end"] * 3, renders  # one at once
    assert sorted(_pdfs(out)) == ["cheatsheet.pdf", "handouts/cnn.pdf", "handouts/reg.pdf"]

    (project / "notes" / "a.md").write_text(NOTES.format(v="two"))
    quiet = _start(project, "--quiet", "--jobs", "2")
    assert quiet.communicate(timeout=60)[0] == ""


def test_a_killed_build_leaves_every_output_old_or_new_and_no_worker(tmp_path: Path) -> None:
    project = _project(tmp_path, "one")
    assert _start(project).wait(timeout=60) == 0
    out = project / "output"
    before = _pdfs(out)
    deck_before = (out / "deck.apkg").read_bytes()
    (project / "notes" / "a.md").write_text(NOTES.format(v="two SLOW"))
    build = _start(project, "--jobs", "3")
    try:
        assert build.stdout.readline().startswith("ready: ")
        # The cheat sheet renders at once; the handouts take a minute.
        _until(lambda: b"two SLOW" in (out / "cheatsheet.pdf").read_bytes()
               and len([r for r in _renders(project) if r[0] == "start"]) == 6)
    finally:
        build.kill()  # SIGKILL: the build cannot clean up anything
        build.wait()
        build.stdout.close()  # not read to its end: the workers may hold it open
        build.stderr.close()
    workers = {pid for what, pid, name, _ in _renders(project) if name != "cheatsheet.pdf"}
    assert _gone(workers)  # they die with the build, and render nothing more
    time.sleep(0.2)
    after = _pdfs(out)
    assert after["cheatsheet.pdf"].startswith(b"cheatsheet: ") \
        and after["cheatsheet.pdf"].count(b"(two SLOW)") == 2
    assert {k: v for k, v in after.items() if k != "cheatsheet.pdf"} == \
        {k: v for k, v in before.items() if k != "cheatsheet.pdf"}
    assert (out / "deck.apkg").read_bytes() != deck_before
    assert b"two SLOW" in (out / "preview.html").read_bytes()
    assert b"two SLOW" in (out / "notes.yaml").read_bytes()

    (project / "notes" / "a.md").write_text(NOTES.format(v="three"))
    assert _start(project).wait(timeout=60) == 0
    assert not (out / ".staging").exists()
    assert all(b"(three)" in data for data in _pdfs(out).values())


def test_ctrl_c_stops_the_pdf_workers(tmp_path: Path) -> None:
    project = _project(tmp_path, "SLOW")
    build = _start(project, "--jobs", "2")
    assert build.stdout.readline().startswith("ready: ")
    _until(lambda: any(name != "cheatsheet.pdf" for _, _, name, _ in _renders(project)))
    build.send_signal(signal.SIGINT)
    assert build.wait(timeout=30) == 130
    assert "interrupted; no output is half written" in build.stderr.read()
    assert _gone({pid for _, pid, _, _ in _renders(project)}, within=1)
    assert not (project / "output" / ".staging").exists()


def test_a_save_while_pdfs_render_stops_them_and_rebuilds(tmp_path: Path) -> None:
    project = _project(tmp_path, "one")
    out = project / "output"
    watching = _start(project, "--watch", "--jobs", "3")
    lines = _Lines(watching.stdout)
    try:
        assert " ready: notes.yaml, deck.apkg, preview.html in " in lines.next()
        assert " built: 2 cards" in lines.next()
        (project / "notes" / "a.md").write_text(NOTES.format(v="two SLOW"))
        assert " ready: " in (line := lines.next()) and line.endswith("rendering 3 PDFs\n")
        _until(lambda: len([r for r in _renders(project) if r[0] == "start"]) == 6)
        stale = {pid for _, pid, name, _ in _renders(project) if name != "cheatsheet.pdf"}
        (project / "notes" / "a.md").write_text(NOTES.format(v="three"))
        assert " stopped: saved again while PDFs rendered" in lines.next()
        assert _gone(stale)
        assert " ready: " in lines.next()
        assert " rebuilt: 2 cards (2 updated)" in lines.next()
        pdfs = _pdfs(out)
        assert len(pdfs) == 3 and all(b"(three)" in data for data in pdfs.values()), pdfs
        assert not (out / ".staging").exists()
        assert lines.none_within(1)
        assert _pdfs(out) == pdfs  # nothing stale landed later
    finally:
        watching.send_signal(signal.SIGINT)
        code = watching.wait(timeout=30)
    assert code == 0
    assert lines.next().strip() == "Stopped watching."


def test_no_op_rebuild_loads_neither_weasyprint_nor_multiprocessing(tmp_path: Path) -> None:
    project = _project(tmp_path, "one")
    assert _start(project).wait(timeout=60) == 0
    script = ("import sys; from studypack.cli import main; main(['-q']); "
              "print(sorted({m.split('.')[0] for m in sys.modules} "
              "& {'weasyprint', 'multiprocessing', 'concurrent'}))")
    again = subprocess.run([sys.executable, "-c", script], cwd=project, capture_output=True,
                           text=True, env={**os.environ, "PYTHONPATH": str(ROOT),
                                           "SOURCE_DATE_EPOCH": "1"})
    assert again.stdout == "[]\n", again.stderr
