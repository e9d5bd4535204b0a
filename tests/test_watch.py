"""`build.py --watch`: one line per rebuild, only for real edits, and a clean Ctrl-C."""

from __future__ import annotations

import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

from studypack.config import load_config
from studypack.watch import _Relevant
from tests.conftest import ROOT

CONFIG = "title: Watched\nsources: [notes]\noutputs: [yaml]\n"


class _Lines:
    """The lines a stream prints, read in a thread so a test can wait for one with a timeout."""

    def __init__(self, stream) -> None:
        self.queue: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream) -> None:
        for line in stream:
            self.queue.put(line)

    def next(self, timeout: float = 30) -> str:
        line = self.queue.get(timeout=timeout)
        self.seen.append(line)
        return line

    def none_within(self, seconds: float) -> bool:
        try:
            self.seen.append(self.queue.get(timeout=seconds))
        except queue.Empty:
            return True
        return False


def test_watch_rebuilds_once_per_save_and_stops_cleanly(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text(CONFIG)
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("### What is a cell?\nThe smallest unit of life.\n")
    process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--watch"],
                               cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env={"SOURCE_DATE_EPOCH": "1", "PATH": "/usr/bin:/bin"})
    out, err = _Lines(process.stdout), _Lines(process.stderr)
    try:
        assert " built: 1 card (1 added); wrote notes.yaml" in (first := out.next()), first
        notes_yaml = tmp_path / "output" / "notes.yaml"
        before = notes_yaml.read_text()

        with (notes / "a.md").open("a") as note:  # a save in several writes is one change
            note.write("\n### What is osmosis?\n")
            note.flush()
            note.write("Water crossing a membrane.\n")
        line = out.next()
        assert " rebuilt: 2 cards (1 added); wrote notes.yaml; no problems; " in line, line
        assert "What is osmosis?" in notes_yaml.read_text() != before
        # What the build writes, hidden files and editor leftovers start no build.
        (tmp_path / "output" / "extra.txt").write_text("x")
        notes_yaml.touch()
        (tmp_path / "studypack.lock").touch()
        (notes / ".a.md.swp").write_text("x")
        (notes / "a.md~").write_text("x")
        (notes / ".obsidian").mkdir()
        (notes / ".obsidian" / "workspace.json").write_text("{}")
        assert out.none_within(1.5), out.seen

        # A broken setting prints its line and the watch goes on; the fix rebuilds.
        (tmp_path / "config.yaml").write_text(CONFIG + "topics: [\n")
        assert "error: config.yaml:5: not valid YAML" in err.next(), err.seen
        (tmp_path / "config.yaml").write_text(CONFIG)
        assert " rebuilt: " in out.next()
        # A broken note is a counted problem, and the first one is named.
        (notes / "b.md").write_text("---\ntags: [\n---\n### Why?\nBecause.\n")
        line = out.next()
        assert "; 1 error; " in line and line.rstrip().endswith(
            " (first: b.md:3: error: front matter is not valid YAML; all in output/report.txt)"), \
            line
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=30)
    assert code == 0
    assert out.next().strip() == "Stopped watching."
    assert "Traceback" not in "".join(err.seen) + process.stderr.read()


def test_only_inputs_count_as_changes(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text(CONFIG)
    (tmp_path / "notes").mkdir()
    config = load_config(tmp_path / "config.yaml")
    relevant = _Relevant(config, tmp_path / "config.yaml")
    notes = tmp_path / "notes"
    for path in (tmp_path / "config.yaml", notes / "a.md", notes / "img" / "cell.png",
                 notes / "sub"):
        assert relevant(None, str(path)), path
    for path in (tmp_path / "output" / "notes.yaml", tmp_path / "studypack.lock",
                 notes / ".hidden.md", notes / ".trash" / "old.md", notes / "a.md~",
                 notes / "#a.md#", notes / "4913", notes / "a.md.tmp", tmp_path / "other.md"):
        assert not relevant(None, str(path)), path
