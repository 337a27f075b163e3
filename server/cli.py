"""The `caremon` command: Flask's commands (run, routes, shell), migrations (`db`), and Caremon's own."""
from __future__ import annotations

import click
from flask.cli import FlaskGroup

from server import create_app


@click.group(cls=FlaskGroup, create_app=create_app, add_version_option=False)
def main():
    """Caremon: electronic call monitoring for home care."""


@main.command("serve")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@click.option("--workers", default=2, type=int)
def serve(host: str, port: int, workers: int):
    """Production web server (gunicorn); the scheduler runs separately (`caremon scheduler`)."""
    from gunicorn.app.wsgiapp import run

    import sys

    sys.argv = ["gunicorn", "--bind", f"{host}:{port}", "--workers", str(workers), "server.wsgi:app"]
    run()
