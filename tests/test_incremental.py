"""Rebuilds do only what changed: a no-op touches nothing, an edit re-renders only its outputs."""

from __future__ import annotations

from pathlib import Path

NOTES = ("### What is a convolution?\nA sliding filter.\n\n"
         "### What is dropout?\nRandom zeroing of units during training.\n\n"
         "### What is weight decay?\nAn L2 penalty on the weights.\n")
ALL = ("yaml", "anki", "cheatsheet", "handouts")


def _state(out: Path) -> dict[str, tuple[int, int, bytes]]:
    """Each output's inode and time (a new render is a new file) and bytes."""
    return {p.relative_to(out).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(out.rglob("*")) if p.is_file() and ".cache" not in p.parts}


def test_no_op_rebuild_renders_nothing_and_an_edit_only_what_shows_it(tmp_path: Path, run,
                                                                      project_config) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text(NOTES)
    first = run(notes, outputs=ALL)
    out = project_config.output
    before = _state(out)
    assert sorted(before) == ["cheatsheet.pdf", "deck.apkg", "handouts/cnn-vision.pdf", "handouts/regularization.pdf",
                              "notes.yaml", "report.txt"]

    again = run(notes, outputs=ALL)
    assert _state(out).keys() == before.keys()
    changed = [name for name, state in _state(out).items() if state != before[name]]
    assert changed == ["report.txt"]  # "0 added" now; everything else untouched
    assert again.pack == first.pack

    (notes / "a.md").write_text(NOTES.replace("Random zeroing", "Randomly zeroing"))
    run(notes, outputs=ALL)
    after = _state(out)
    changed = sorted(name for name in after if after[name] != before.get(name))
    assert changed == ["cheatsheet.pdf", "deck.apkg", "handouts/regularization.pdf",
                       "notes.yaml", "report.txt"]

