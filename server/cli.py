"""The `caremon` command: Flask's commands (run, routes, shell), migrations (`db`), and Caremon's own."""
from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import click
from flask.cli import FlaskGroup
from flask_migrate.cli import db as db_commands

from server import create_app
from server.config import SettingsError, load_settings
from server.feed.commands import feed as feed_commands


def _create_app():
    """The app for the commands that need one; a missing setting is one line saying what to set."""
    try:
        return create_app()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None


class CaremonGroup(FlaskGroup):
    """Finds commands without building the app, so help works before anything is configured.

    Flask looks for commands on the app too, which means building it (and needing its secret) for
    `--help`; every Caremon command is registered on this group instead, `db` included.
    """

    def get_command(self, ctx, name):
        self._load_plugin_commands()
        return click.Group.get_command(self, ctx, name)

    def list_commands(self, ctx):
        self._load_plugin_commands()
        return sorted(click.Group.list_commands(self, ctx))


@click.group(cls=CaremonGroup, create_app=_create_app, add_version_option=False)
@click.version_option(package_name="caremon", prog_name="caremon", message="%(prog)s %(version)s")
def main():
    """Caremon: electronic call monitoring for home care."""


main.add_command(db_commands)
main.add_command(feed_commands)


# Threaded workers keep telling gunicorn's arbiter they are alive while a thread streams a long export;
# a plain sync worker would be killed mid-download after --timeout seconds.
GUNICORN_OPTIONS = ["--worker-class", "gthread", "--threads", "4"]


@main.command("serve")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@click.option("--workers", default=2, type=int)
def serve(host: str, port: int, workers: int):
    """Production web server (gunicorn); the scheduler runs separately (`caremon scheduler`)."""
    from gunicorn.app.wsgiapp import run

    from server.observability import logs

    logs.configure(load_settings()["log_format"])
    # Every worker writes its metrics here and /metrics sums them; a fresh folder per start forgets dead workers.
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="caremon-metrics-"))
    sys.argv = ["gunicorn", "--bind", f"{host}:{port}", "--workers", str(workers), *GUNICORN_OPTIONS,
                "--config", "python:server.observability.gunicorn_conf", "server.wsgi:app"]
    run()


@main.command("demo", with_appcontext=False)
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@click.option(
    "--instance", default="instance", type=click.Path(file_okay=False), help="Folder for the demo database and secret."
)
@click.option("--reset", is_flag=True, help="Delete the demo database and seed it again.")
@click.option("--no-serve", is_flag=True, help="Migrate and seed, then exit.")
def demo(host: str, port: int, instance: str, reset: bool, no_serve: bool):
    """Migrate a SQLite database, seed demo data, start the scheduler and serve Caremon."""
    import flask_migrate
    from sqlalchemy import select
    from werkzeug.serving import run_simple

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
    mail = None if no_serve else demo_mail_sink(folder / "demo-mail")

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
    # A terminal, not a log collector, reads the demo's scheduler.
    scheduler = subprocess.Popen([sys.executable, "-m", "server", "scheduler", "--quiet"],
                                 env={"CAREMON_LOG_FORMAT": "text", **os.environ})
    if mail:
        click.echo(f"Demo emails are delivered to a local mail sink and kept in {folder / 'demo-mail'}")
    click.echo(f"\nOpen http://{host}:{port}/  (API docs: http://{host}:{port}/api/v1/docs)\n")
    # SIGTERM ends the demo as Ctrl-C does, through the finally below, so its scheduler never outlives it.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        # run_simple, not app.run: Flask ignores app.run() inside its own CLI.
        run_simple(host, port, app, threaded=True)
    finally:
        if mail:
            mail.stop()
        scheduler.terminate()
        try:
            scheduler.wait(10)
        except subprocess.TimeoutExpired:
            scheduler.kill()
            scheduler.wait()


def demo_mail_sink(folder: Path):
    """A local mail server for the demo's emails, unless a mail server is configured; the scheduler sends to it
    through the environment it inherits. Returns the running sink, or None."""
    if os.environ.get("CAREMON_SMTP_HOST"):
        return None
    from server.notify import mail_sink

    sink = mail_sink.start(folder)
    os.environ["CAREMON_SMTP_HOST"], os.environ["CAREMON_SMTP_PORT"] = "127.0.0.1", str(sink.port)
    return sink


def _interrupt(_signum, _frame):
    raise KeyboardInterrupt


@main.command("scheduler", with_appcontext=False)
@click.option("--quiet", is_flag=True, help="Log Caremon's own lines, not APScheduler's line per job run.")
def scheduler(quiet: bool):
    """Run the monitoring scheduler (one per deployment; a second waits on the database lock)."""
    import logging

    from server.monitoring.scheduler import run
    from server.observability import logs

    logs.configure(load_settings()["log_format"])
    if quiet:
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
    try:
        run(_create_app())
    except KeyboardInterrupt:  # Ctrl-C in a terminal reaches every process of it: stop without a traceback
        pass


@main.command("simulate", with_appcontext=False)
@click.option("--url", default="http://127.0.0.1:5000", help="A running Caremon (for example `caremon demo`).")
@click.option("--workers", default=3, type=click.IntRange(1, 6), help="How many Lakeland demo workers to play.")
@click.option("--password", default="caremon-demo")
@click.option("--date", "day", default=None, help="Local date of the run to play (default today).")
@click.option(
    "--loss", default=0.1, type=click.FloatRange(0, 0.9), help="Share of uploads whose request or answer is lost."
)
@click.option("--duplicates", default=0.1, type=click.FloatRange(0, 1), help="Share of uploads sent twice.")
@click.option("--offline-stretches", default=2, type=click.IntRange(0, 20),
              help="Stretches of each worker's day with no signal.")
@click.option("--offline-minutes", default=90, type=click.IntRange(1, 24 * 60), help="Length of each stretch.")
@click.option("--seed", default=1, type=int)
def simulate_command(url, workers, password, day, loss, duplicates, offline_stretches, offline_minutes, seed):
    """Play a day of care workers' phones against a server through a lossy network; compare what was stored.

    sent counts every item uploaded, resends included; acked, what the server answered; stored, what it holds.
    """
    from device_sync.simulator import simulate

    report = simulate(url, [f"worker{i}@lakeland.demo" for i in range(1, workers + 1)], password, day, seed,
                      loss, duplicates, offline_stretches, offline_minutes)
    click.echo(f"network faults: {report['network']}")
    click.echo(f"{'worker':28} {'visits':>6} {'recorded':>8} {'offline':>7} {'sent':>5} {'requests':>8} "
               f"{'acked':>6} {'stored':>6} {'missing':>7} {'twice':>5}")
    for w in report["workers"]:
        click.echo(f"{w['worker']:28} {w['visits']:6} {w['recorded']:8} {w['offline']:7} {w['sent']:5} "
                   f"{w['requests']:8} {w['acknowledged']:6} {w['stored']:6} {len(w['missing']):7} "
                   f"{w['stored_twice']:5}")
    if any(w["missing"] or w["stored_twice"] or w["recorded"] != w["acknowledged"] for w in report["workers"]):
        raise SystemExit(1)
