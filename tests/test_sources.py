"""Decoding and cleaning: encodings, mojibake, comments and front matter keep line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from studypack.errors import SourceError
from studypack.sources import discover, load, repair_mojibake


def _load(tmp_path: Path, data: bytes, name: str = "note.md"):
    path = tmp_path / name
    path.write_bytes(data)
    return load(path, tmp_path, name)


def test_bom_crlf_and_tabs_are_fine(tmp_path: Path) -> None:
    source = _load(tmp_path, b"\xef\xbb\xbf### Q?\r\n\tindented\r\n")
    assert source.text == "### Q?\n    indented\n"
    assert source.diagnostics == ()


def test_windows_1252_is_decoded_with_a_warning(tmp_path: Path) -> None:
    source = _load(tmp_path, "### Caf\u00e9?\nok\n".encode("cp1252"))
    assert "Café" in source.text
    assert [str(d) for d in source.diagnostics] == [
        "note.md:1: warning: not UTF-8; read as Windows-1252, save it as UTF-8"
    ]


def test_binary_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"^note.md: binary file, not text$"):
        _load(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00")


def test_clean_text_is_left_alone() -> None:
    clean = "It’s “quoted” — naïve café, ﬁne ligature, ½ and 🌳."
    assert repair_mojibake(clean) == clean


def test_mac_roman_mojibake_is_repaired() -> None:
    garbled = "What‚Äôs the motivation? \uf8ffüå≥ Tip"
    assert repair_mojibake(garbled) == "What’s the motivation? 🌳 Tip"


def test_html_comments_are_blanked_and_lines_kept(tmp_path: Path) -> None:
    data = b"a\n<!-- hidden\n### Q?\n-->\nb <!-- x --> c\n```\n<!-- code -->\n```\n"
    source = _load(tmp_path, data)
    assert source.text.split("\n") == [
        "a", "", "", "", "b  c", "```", "<!-- code -->", "```", ""]


def test_front_matter_is_read_and_blanked(tmp_path: Path) -> None:
    source = _load(tmp_path, b"---\ntopic: cnn\ntags: [a, b]\nextra: 1\n---\n### Q?\n")
    assert source.front_matter.topic == "cnn"
    assert source.front_matter.tags == ("a", "b")
    assert source.text.split("\n")[5] == "### Q?"
    assert "front matter key 'extra' is not used" in str(source.diagnostics[0])


def test_discover_sorts_and_skips_hidden(tmp_path: Path) -> None:
    for name in ("b.md", "a.txt", ".hidden/c.md", "img.png", "sub/d.yaml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert [rel for _, _, rel in discover([tmp_path])] == ["a.txt", "b.md", "sub/d.yaml"]


def test_missing_source_folder(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file or folder"):
        discover([tmp_path / "nope"])


def test_unreadable_file_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    (tmp_path / "note.md").write_text("### Q?\nA.\n")
    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(SourceError, match=r"^note.md: cannot read: Permission denied$"):
        load(tmp_path / "note.md", tmp_path, "note.md")
