"""`caremon feed`: a vendor's offline check of a feed file, and a provider's CSV import from the shell."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from server.auth.models import Role
from server.feed.files import KINDS, FeedFile, FeedFileError, read

feed = AppGroup("feed", help="Check feed files against the published schemas; import a provider's CSV.")


def _load(path: Path, kind: str | None) -> FeedFile:
    try:
        return read(path.read_text(encoding="utf-8"), kind)
    except UnicodeDecodeError:
        raise click.ClickException(f"{path}: not UTF-8 text; save the file as UTF-8") from None
    except FeedFileError as exc:
        raise click.ClickException(f"{path}: {exc}") from None


def _where(line: int, ref: str | None) -> str:
    return f"line {line}" + (f" ({ref})" if ref else "")


@feed.command("check", with_appcontext=False)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", type=click.Choice(KINDS), help="What the file holds; told from its fields when left out.")
def check(file: Path, kind: str | None):
    """Validate a JSON or CSV feed file offline; print each bad row and why. Exit 0 only when all rows are valid.

    A JSON file's "line" is its item number, counted from 1.
    """
    from server.feed.checks import problems

    feed_file = _load(file, kind)
    bad = problems(feed_file)
    for problem in bad:
        for reason in problem.reasons:
            click.echo(f"{_where(problem.line, problem.ref)}: {reason}")
    click.echo(f"{feed_file.kind}: {len(feed_file.rows)} rows, {len(feed_file.rows) - len(bad)} valid, "
               f"{len(bad)} invalid")
    if not feed_file.rows:
        click.echo("The file has no rows: an empty export is most likely a mistake")
    if bad or not feed_file.rows:
        raise SystemExit(1)


@feed.command("import")
@click.option("--provider", "provider_id", type=int, required=True, help="The provider's id.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", type=click.Choice(("clients", "workers", "visits")),
              help="What the file holds; told from its columns when left out.")
@click.option("--dry-run", is_flag=True, help="Report what each row would be; store nothing.")
def import_command(provider_id: int, file: Path, kind: str | None, dry_run: bool):
    """Import a CSV of clients, workers or visits for a provider, as its administrator would from the app.

    Accepted rows are stored and rejected ones listed with their reasons; importing the same file again changes
    nothing. Exit 0 only when every row was accepted.
    """
    from server.auth.tenancy import Identity
    from server.db_types import utcnow
    from server.directory.models import Provider
    from server.extensions import db
    from server.feed.imports import IMPORTABLE, import_file

    if db.session.get(Provider, provider_id) is None:
        raise click.ClickException(f"No provider {provider_id}")
    feed_file = _load(file, kind)
    if feed_file.kind not in IMPORTABLE:
        raise click.ClickException(f"{file}: holds {feed_file.kind}; only clients, workers or visits are imported")
    report = import_file(Identity(user_id=None, role=Role.PROVIDER_ADMIN, provider_id=provider_id), feed_file,
                         utcnow(), dry_run=dry_run)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    for result in report["results"]:
        error = result.get("error")
        reason = f": {error['code']}: {error['message']} {error['details'] or ''}".rstrip() if error else ""
        click.echo(f"{_where(result['line'], result['ref'])}: {result['status']}{reason}")
    would = "would be " if dry_run else ""
    click.echo(f"{report['kind']}: {report['rows']} rows, {report['accepted']} {would}accepted, "
               f"{report['rejected']} rejected" + (" (dry run: nothing stored)" if dry_run else ""))
    if report["rejected"]:
        raise SystemExit(1)
