"""Wheels carry the PWA and the default config inside the server package (server/bundled/, see server/paths.py).

Everything else about the build is in pyproject.toml; an editable install reads both folders from the checkout.
"""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

BUNDLED = ("pwa", "config")


class BuildPyWithBundle(build_py):
    def run(self):
        super().run()
        if self.editable_mode:
            return
        for name in BUNDLED:
            shutil.copytree(name, Path(self.build_lib) / "server" / "bundled" / name, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "make_icons.py"))


setup(cmdclass={"build_py": BuildPyWithBundle})
