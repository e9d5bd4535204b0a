"""A failed or killed build leaves the previous outputs whole; a good one replaces them all."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from studypack.writers import anki
from tests.conftest import ROOT


def _outputs(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes()
            for p in sorted(out.rglob("*"))
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(out).parts)}


@pytest.fixture
def built(tmp_path: Path, run, project_config) -> tuple[Path, dict[str, bytes]]:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("### What is a tensor?\nAn array.\n")
    run(notes, outputs=("yaml", "anki"))
    return notes, _outputs(project_config.output)


def test_a_writer_failing_midway_leaves_the_previous_outputs(built, run, project_config,
                                                             monkeypatch) -> None:
    notes, before = built
    (notes / "a.md").write_text("### What is a tensor?\nAn n-dimensional array.\n")

    def half_then_fail(pack, target: Path, context, on_card, workers: int = 1) -> list:
        target.write_bytes(b"PK half a zip")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(anki, "write", half_then_fail)
    with pytest.raises(RuntimeError, match="disk on fire"):
        run(notes, outputs=("yaml", "anki"))
    assert _outputs(project_config.output) == before  # notes.yaml was not replaced either
    monkeypatch.undo()
    run(notes, outputs=("yaml", "anki"))
    after = _outputs(project_config.output)
    assert b"n-dimensional" in after["notes.yaml"] and after["deck.apkg"] != before["deck.apkg"]


def test_a_killed_build_leaves_no_half_written_file(built, project_config) -> None:
    notes, before = built
    (notes / "a.md").write_text("### What is a tensor?\nAn n-dimensional array.\n")
    # The process dies (no cleanup of any kind) while the deck is half written.
    script = (
        "import os, sys\n"
        "from studypack.writers import anki\n"
        "def die(pack, target, context, **_):\n"
        "    target.write_bytes(b'PK half'); os._exit(9)\n"
        "anki.write = die\n"
        "sys.argv = ['build.py', *sys.argv[1:]]\n"
        "import runpy; runpy.run_path('build.py', run_name='__main__')\n")
    out, lock = project_config.output, project_config.lock
    args = ["--source", str(notes), "--out", str(out), "--lock", str(lock), "--only", "yaml,anki"]
    died = subprocess.run([sys.executable, "-c", script, *args], cwd=ROOT, capture_output=True,
                          env={**os.environ, "PYTHONHASHSEED": "0"})  # no restart: keep the patch
    assert died.returncode == 9
    assert _outputs(out) == before  # the half-written deck stayed in the staging folder
    rebuilt = subprocess.run([sys.executable, "build.py", *args], cwd=ROOT, capture_output=True)
    assert rebuilt.returncode == 0
    assert not (out / ".staging").exists()
    assert b"n-dimensional" in (out / "notes.yaml").read_bytes()


def test_handouts_of_topics_that_are_gone_are_removed(tmp_path: Path, run, project_config,
                                                      monkeypatch) -> None:
    from studypack.writers import pdf

    def fake_pdfs(pack, jobs, context, processes, done, stop=None) -> None:
        for index, job in enumerate(jobs):
            job.target.write_bytes(job.title.encode())
            done(index, [], 0.0)

    monkeypatch.setattr(pdf, "write_all", fake_pdfs)
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("### What is a convolution?\nA sliding filter.\n\n"
                                "### What is dropout?\nRandom zeroing.\n")
    run(notes, outputs=("handouts",))
    assert sorted(p.name for p in (project_config.output / "handouts").iterdir()) == \
        ["cnn-vision.pdf", "regularization.pdf"]
    (notes / "a.md").write_text("### What is dropout?\nRandom zeroing.\n")
    run(notes, outputs=("handouts",))
    assert sorted(p.name for p in (project_config.output / "handouts").iterdir()) == \
        ["regularization.pdf"]
