"""Where Caremon's own files are: the PWA and the default config.

In a source checkout (and an editable install) they sit beside the package, at the top of the repository;
a built wheel carries them inside it, under server/bundled/ (setup.py copies them in), so that
`pip install .` serves the app and loads the default settings and payment rules too.
"""
from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def shipped(name: str) -> Path:
    """The folder `pwa` or `config`, wherever this installation keeps it."""
    bundled = _PACKAGE / "bundled" / name
    return bundled if bundled.is_dir() else _PACKAGE.parent / name
