"""The `caremon` command: Flask's commands (run, routes, shell), migrations (`db`), and Caremon's own."""
from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

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

    sys.argv = ["gunicorn", "--bind", f"{host}:{port}", "--workers", str(workers), "server.wsgi:app"]
    run()


@main.command("demo", with_appcontext=False)
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@click.option("--instance", default="instance", type=click.Path(file_okay=False), help="Folder for the demo database and secret.")
@click.option("--reset", is_flag=True, help="Delete the demo database and seed it again.")
@click.option("--no-serve", is_flag=True, help="Migrate and seed, then exit.")
def demo(host: str, port: int, instance: str, reset: bool, no_serve: bool):
    """Migrate a SQLite database, seed demo data, start the scheduler and serve Caremon."""
    import flask_migrate
    from sqlalchemy import select

    from server.db_types import utcnow
    from server.demo import PASSWORD, seed
    from server.directory.models import Council
    from server.extensions import db

    folder = Path(instance).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "caremon-demo.db"
    if reset:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
    secret_file = folder / "secret_key"
    if not secret_file.exists():
        secret_file.write_text(secrets.token_urlsafe(48))
        secret_file.chmod(0o600)
    os.environ.setdefault("CAREMON_DATABASE_URL", f"sqlite:///{database}")
    os.environ.setdefault("CAREMON_SECRET_KEY", secret_file.read_text().strip())
    os.environ.setdefault("CAREMON_COOKIE_SECURE", "false")  # the demo serves plain http on localhost

    app = create_app()
    with app.app_context():
        flask_migrate.upgrade()
        if db.session.scalar(select(Council.id).limit(1)) is None:
            click.echo("Seeding demo data...")
            logins = seed(utcnow())
        else:
            logins = None
    click.echo(f"\nCaremon demo database: {os.environ['CAREMON_DATABASE_URL']}")
    if logins:
        click.echo(f"Demo logins (password for all: {PASSWORD}):")
        for role, email in logins:
            click.echo(f"  {role:16} {email}")
    if no_serve:
        return
    scheduler = subprocess.Popen([sys.executable, "-m", "server", "scheduler"], env=os.environ.copy())
    click.echo(f"\nOpen http://{host}:{port}/  (API docs: http://{host}:{port}/api/v1/docs)\n")
    try:
        app.run(host=host, port=port, threaded=True)
    finally:
        scheduler.terminate()


@main.command("scheduler", with_appcontext=False)
def scheduler():
    """Run the monitoring scheduler (one per deployment; a second waits on the database lock)."""
    import logging

    from server.monitoring.scheduler import run

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    run(create_app())
