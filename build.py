"""Command line: build study material (notes.yaml, an Anki deck, PDFs) from Markdown notes."""

from studypack.entry import run

if __name__ == "__main__":
    run()
