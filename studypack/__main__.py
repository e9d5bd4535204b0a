"""`python -m studypack`: the same command line as `studypack` and `build.py`."""

from studypack.entry import run

if __name__ == "__main__":
    run()
