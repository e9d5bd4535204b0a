"""studypack installed as a command (`pip install .`, as pipx does) works from any folder."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.conftest import ROOT

_NOT_SHIPPED = shutil.ignore_patterns(".git", ".venv", "output", "build", "*.egg-info",
                                      "__pycache__", ".ruff_cache", ".pytest_cache")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `bin/` of a new virtual environment with this tree installed (not editable).

    The environment finds the dependencies in the project's own environment, so nothing but
    the build backend is downloaded.
    """
    work = tmp_path_factory.mktemp("install")
    tree = work / "tree"
    shutil.copytree(ROOT, tree, symlinks=True, ignore=_NOT_SHIPPED)
    venv = work / "venv"
    subprocess.run([sys._base_executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; "
                           "print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "studypack-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    done = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps",
                           str(tree)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(f"pip install . failed: {done.stderr[-2000:]}")
    return venv / "bin"


def test_the_installed_command_builds_a_new_project_from_any_folder(installed: Path,
                                                                     tmp_path: Path) -> None:
    made = subprocess.run([str(installed / "studypack"), "init", "notes"], cwd=tmp_path,
                          capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    assert "  studypack --watch" in made.stdout  # the next steps name the command
    project = tmp_path / "notes"
    built = subprocess.run([str(installed / "studypack"), "--quiet"], cwd=project,
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    out = project / "output"
    for name in ("notes.yaml", "deck.apkg", "cheatsheet.pdf", "preview.html"):
        assert (out / name).stat().st_size > 0, name
    assert any((out / "handouts").glob("*.pdf"))
    module = subprocess.run([str(installed / "python"), "-m", "studypack", "check"],
                            cwd=project, capture_output=True, text=True)
    assert module.returncode == 0 and "0 errors" in module.stdout


def test_the_installed_command_has_the_cli_of_build_py(installed: Path) -> None:
    def words(text: str) -> str:
        return " ".join(text.split())

    command = subprocess.run([str(installed / "studypack"), "--help"], capture_output=True,
                             text=True, check=True).stdout
    script = subprocess.run([sys.executable, str(ROOT / "build.py"), "--help"],
                            capture_output=True, text=True, check=True).stdout
    assert words(command) == words(script.replace("python build.py", "studypack")
                                   .replace("build.py", "studypack"))
