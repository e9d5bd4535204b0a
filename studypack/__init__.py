"""studypack: turn Markdown study notes into an Anki deck and printable study material."""

__version__ = "0.1.0"
