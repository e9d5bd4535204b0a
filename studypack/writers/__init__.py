"""What every writer shares: the one Jinja environment and atomic file writing."""

from __future__ import annotations

import os
import tempfile
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from studypack.errors import OutputError

if TYPE_CHECKING:
    import jinja2

# The package's templates: in a checkout a link to the top-level templates/ folder, in an
# installed copy the files themselves.
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@cache
def template_env() -> jinja2.Environment:
    """The one Jinja environment every writer renders its templates with.

    One per process, so a template is compiled once (forked processes inherit it); Jinja
    still reloads a template whose file changed.
    """
    import jinja2  # loaded only when something is rendered: a no-op rebuild renders nothing

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "html.j2", "xml"]),
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def write_atomic(path: Path, data: bytes) -> None:
    """Replace path with data in one step, so readers never see a half-written file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.chmod(temporary, 0o644)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise OutputError(f"{path}: cannot write: {error.strerror}") from None
