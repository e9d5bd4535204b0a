"""The benchmark's own parts: the `ready:` clock, the print floor and the targets it reports."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import SimpleNamespace

from bench import floor, report
from bench.run import floor_command, run_child, sample_topics


def _printer(lines: str) -> list[str]:
    """A child that prints each `;`-separated line, a pause of 0.3 s before the last one."""
    *first, last = lines.split(";")
    code = (f"import time; print({first!r}, sep='\\n'); time.sleep(0.3); print({last!r}); "
            "time.sleep(0.2)")
    return [sys.executable, "-c", code]


def test_the_ready_line_is_timed_when_it_is_printed(tmp_path: Path) -> None:
    child = run_child(_printer("building;ready: notes.yaml, deck, preview"), 30, tmp_path)
    assert child.code == 0
    assert child.ready is not None and 0.3 <= child.ready < child.seconds
    watch = run_child(_printer("building;12:00:01 ready: deck"), 30, tmp_path)
    assert watch.ready is not None and watch.ready >= 0.3
    assert run_child(_printer("building;done: not ready"), 30, tmp_path).ready is None


def test_the_print_floor_prints_every_note_as_plain_markdown(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("# A\n\nWhat is a *gradient*?\n\n![x](http://example.org/x.png)\n")
    (notes / "b.txt").write_text("\n\n".join(f"Paragraph {i} of words." for i in range(200)))
    child = run_child(floor_command(notes, tmp_path / "out", 2), 120, tmp_path)
    assert child.code == 0, child.stderr
    result = json.loads(child.stdout.strip().splitlines()[-1])
    assert result["processes"] == 2
    assert [f["file"] for f in result["files"]] == ["b.txt", "a.md"]  # largest first
    assert result["pages"] == sum(f["pages"] for f in result["files"]) > 2
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.md.pdf", "b.txt.pdf"]


def test_the_plain_text_floor_holds_the_words_without_tags() -> None:
    text = floor.plain_paragraphs(["What is <b>x</b>?", "One & two.\n\n  Three\n  lines <br>"])
    assert text == "<p>What is x ?</p>\n<p>One &amp; two.</p>\n<p>Three lines</p>"


def test_sampling_takes_the_largest_and_the_smallest_topics() -> None:
    topics = [SimpleNamespace(slug=f"t{n}", cards=[0] * n) for n in range(1, 11)]
    chosen = [t.slug for t in sample_topics(topics, True)]
    assert chosen == ["t10", "t9", "t8", "t3", "t2", "t1"]
    assert sample_topics(topics, False) == topics
    assert sample_topics(topics[:5], True) == topics[:5]


def _run(seconds: float, **more: object) -> dict:
    return {"seconds": seconds, "cpu_seconds": seconds, "maxrss_mb": 100.0, "tree_mb": 900.0,
            "code": 0, "timed_out": False, **more}


def _results(ready: float | None) -> dict:
    pages = {"cheatsheet": 10, "handouts": {"a": 100, "b": 20}}
    big = {"e2e": {"runs": {
        "yaml": [_run(4.0)], "apkg_cold": [_run(10.0)], "cold": [_run(30.0)],
        "jobs1": [_run(200.0, jobs=1, pages=pages)], "jobs2": [_run(120.0, jobs=2, pages=pages)],
    }, "notes": []}, "floor": {
        "topics": [{"slug": "a", "cards": 50, "pages": 10, "seconds": 2.0, "cpu_seconds": 2.0},
                   {"slug": "b", "cards": 5, "pages": 2, "seconds": 0.4, "cpu_seconds": 0.4}],
        "cheatsheet": {"pages": 4, "seconds": 2.0, "cpu_seconds": 2.0},
        "plain": [{"pages": 10, "cpu_seconds": 1.0}, {"pages": 10, "cpu_seconds": 1.2}],
        "sampled": True, "topic_count": 9}}
    seed = {"e2e": {"runs": {
        "floor": [_run(4.0, pages=33, processes=2)], "cold": [_run(6.0)], "noop": [_run(0.2)],
        "edit": [_run(1.8, ready=ready)]}, "notes": []}}
    return {"meta": {}, "seed_notes": seed, "sizes": {"10000": big}}


def test_targets_are_ratios_measured_in_the_same_run() -> None:
    table = "\n".join(report.targets(_results(ready=0.8)))
    assert "| build 6.00 s, floor 4.00 s (33 pages, 2 processes) | 1.50 × | **no** |" in table
    assert "deck and preview ready ≤ 15% of cold and < 1 s | 0.80 s | 13% | yes |" in table
    assert "whole rebuild ≤ 35% of cold | 1.80 s | 30% | yes |" in table
    assert "| 10.0 s vs 4.00 s | 2.50 × | **no** |" in table
    assert "notes.yaml alone (reading the notes), cold: ≤ 7 s | 4.00 s | – | yes |" in table
    # 2.4 CPU s for 12 pages against 1.1 CPU s for 10 pages: 0.2 / 0.11 = 1.82.
    assert "| 0.200 vs 0.110 CPU s / page (2 of 9 handouts) | 1.82 × | **no** |" in table
    assert "10,000: 4.55 ×" in table  # the cheat sheet, 0.5 s a page
    assert "200 s with --jobs 1, 120 s with --jobs 2" in table
    assert "< 1.5 GB | 900 MB | – | yes |" in table


def test_without_a_ready_line_the_whole_rebuild_counts_and_the_page_says_so() -> None:
    table = "\n".join(report.targets(_results(ready=None)))
    assert "| no `ready:` line: whole rebuild, 1.80 s | 30% | **no** |" in table


def test_the_projection_follows_its_formula() -> None:
    model = report.projection(_results(None)["sizes"]["10000"])
    assert model is not None
    # S = 4, D = 10 - 4, P = 120 pages * 0.2 + 10 * 0.5, L = the 100-page handout.
    assert (model.serial, model.deck, model.work, model.longest) == (4.0, 6.0, 29.0, 20.0)
    assert model.longest_name == "handout a"
    assert model.at(1) == 4.0 + 35.0
    assert model.at(16) == 4.0 + 20.0


def test_the_page_keeps_what_surrounds_its_markers(tmp_path: Path) -> None:
    page = tmp_path / "PERFORMANCE.md"
    page.write_text(f"# Intro\n\n{report.BEGIN}\nformer tables\n{report.END}\n\n## Method\n")
    report.write(_results(0.5), page)
    text = page.read_text()
    assert text.startswith("# Intro\n") and text.endswith("## Method\n")
    assert "former tables" not in text
    assert "### Targets" in text and "Projection at N = 10,000" in text
