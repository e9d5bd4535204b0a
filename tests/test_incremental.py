"""Rebuilds do only what changed: a no-op touches nothing, an edit re-renders only its outputs."""

from __future__ import annotations

from pathlib import Path

NOTES = ("### What is a convolution?\nA sliding filter.\n\n"
         "### What is dropout?\nRandom zeroing of units during training.\n\n"
         "### What is weight decay?\nAn L2 penalty on the weights.\n")
ALL = ("yaml", "anki", "cheatsheet", "handouts", "preview")


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
    assert sorted(before) == ["cheatsheet.pdf", "deck.apkg", "handouts/cnn-vision.pdf",
                              "handouts/regularization.pdf", "notes.yaml", "preview.html",
                              "report.txt"]

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
                       "notes.yaml", "preview.html", "report.txt"]

    # A detail past the key line changes nothing the cheat sheet prints.
    before = after
    (notes / "a.md").write_text(NOTES.replace("Random zeroing", "Randomly zeroing").replace(
        "during training.\n", "during training.\n\nIt is off at test time.\n"))
    run(notes, outputs=ALL)
    after = _state(out)
    changed = sorted(name for name in after if after[name] != before.get(name))
    assert changed == ["deck.apkg", "handouts/regularization.pdf", "notes.yaml", "preview.html"]


def test_key_lines_are_read_only_when_a_card_the_sheet_shows_changed(tmp_path: Path, run,
                                                                   monkeypatch) -> None:
    """Reading every answer's key line is most of a no-op rebuild's work: skip it when no card
    changed, and once an edit left the sheet as it was, skip it on the next no-op too."""
    from studypack import sheet

    read: list[int] = []
    real = sheet.sheet
    monkeypatch.setattr(sheet, "sheet", lambda pack, *args: read.append(1) or real(pack, *args))
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text(NOTES)
    run(notes, outputs=("yaml", "cheatsheet"))
    read.clear()
    run(notes, outputs=("yaml", "cheatsheet"))
    assert read == []
    (notes / "a.md").write_text(NOTES.replace("during training.\n",
                                              "during training.\n\nIt is off at test time.\n"))
    run(notes, outputs=("yaml", "cheatsheet"))
    assert read == [1]  # the sheet's text is the same: its file is kept, its key renewed
    read.clear()
    run(notes, outputs=("yaml", "cheatsheet"))
    assert read == []


def test_an_edit_renders_only_the_edited_cards_html(tmp_path: Path, run, monkeypatch) -> None:
    from studypack import markup

    rendered: list[str] = []
    fresh = markup.to_html
    monkeypatch.setattr(markup, "to_html", lambda text, *args: rendered.append(text)
                        or fresh(text, *args))
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text(NOTES + "\n### What shows the curve?\n![curve](curve.png)\n")
    (notes / "curve.png").write_bytes(b"\x89PNG first")
    first = run(notes, outputs=("anki", "preview"))
    assert len(rendered) == 2 * len(first.pack.cards)  # once each, for the deck and the page
    rendered.clear()
    (notes / "a.md").write_text(NOTES.replace("Random zeroing", "Randomly zeroing")
                                + "\n### What shows the curve?\n![curve](curve.png)\n")
    run(notes, outputs=("anki", "preview"))
    assert rendered == ["What is dropout?", "Randomly zeroing of units during training."]
    rendered.clear()
    (notes / "curve.png").write_bytes(b"\x89PNG second")  # an image's bytes are content too
    run(notes, outputs=("anki", "preview"))
    assert rendered == ["What shows the curve?", "![curve](curve.png)"]


def test_unchanged_inputs_reuse_the_plan_and_any_change_reads_again(tmp_path: Path, run,
                                                                   monkeypatch) -> None:
    from studypack import pipeline

    reads: list[int] = []
    fresh = pipeline._plan
    monkeypatch.setattr(pipeline, "_plan", lambda *args: reads.append(1) or fresh(*args))
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("> [!question] What does this show? ![[curve.png]]\n> Overfit.\n")
    first = run(notes)
    assert first.added and len(reads) == 1
    again = run(notes)  # the first build wrote the lock, and planned this build already
    assert len(reads) == 1 and not again.added and again.pack == first.pack
    (notes / "img").mkdir()
    (notes / "img" / "curve.png").write_bytes(b"\x89PNG")  # the embed now resolves elsewhere
    assert "img/curve.png" in run(notes).pack.cards[0].question and len(reads) == 2
    (notes / "a.md").write_text("> [!question] What does this show?\n> Overfitting.\n")
    assert run(notes).pack.cards[0].answer == "Overfitting." and len(reads) == 3


def test_an_edit_reads_only_the_edited_file(tmp_path: Path, run, monkeypatch) -> None:
    from studypack import pipeline

    read: list[str] = []
    real = pipeline._read_one
    monkeypatch.setattr(pipeline, "_read_one",
                        lambda *args: read.append(args[-1][2]) or real(*args))
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text(NOTES)
    (notes / "b.md").write_text("### What is a kernel?\nA small matrix of weights.\n")
    first = run(notes)
    assert sorted(read) == ["a.md", "b.md"]
    read.clear()
    (notes / "b.md").write_text("### What is a kernel?\nA small matrix of learned weights.\n")
    second = run(notes)
    assert read == ["b.md"]
    assert [c.id for c in second.pack.cards] == [c.id for c in first.pack.cards]
    assert "learned weights" in second.pack.cards[-1].answer
    read.clear()
    run(notes, dialects={"*.md": "headings"})  # reading settings changed: every file again
    assert sorted(read) == ["a.md", "b.md"]
