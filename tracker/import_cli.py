"""Flask command: import-items FILE [--dry-run], the import page's work from the command line."""
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import Role, User, Webinar
from tracker.services.errors import ServiceError
from tracker.services.import_check import check_table
from tracker.services.import_columns import auto_mapping
from tracker.services.import_files import read_table
from tracker.services.import_save import save_plan


def _actor(username: str | None) -> User:
    """The account the import is recorded under: the one named, else the first active administrator."""
    query = select(User).where(User.active.is_(True))
    if username:
        query = query.where(func.lower(User.username) == username.lower())
    else:
        query = query.where(User.role == Role.ADMIN).order_by(User.id)
    user = db.session.scalars(query).first()
    if user is None:
        raise click.ClickException(f"No active account {username!r}." if username else "No active administrator.")
    return user


@click.command("import-items")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and report; save nothing.")
@click.option("--user", "username", help="Record the import under this head or administrator (default: the first admin).")
@click.option("--webinar", "series", type=int, help="Series of the webinar for rows that name none.")
@click.option("--accept-close-names", is_flag=True, help="Accept names that match only closely (listed).")
@with_appcontext
def import_items_command(file, dry_run, username, series, accept_close_names):
    """Import action items from an XLSX, ODS or CSV sheet: all rows or none; again by code updates."""
    actor = _actor(username)
    default = db.session.scalar(select(Webinar).where(Webinar.series == series)) if series else None
    if series and default is None:
        raise click.ClickException(f"There is no webinar series {series}.")
    try:
        table = read_table(file.read_bytes())
        mapping = auto_mapping(table.headers)
        plan = check_table(table, mapping, actor, default_webinar=default)
        if accept_close_names and plan.guesses:
            plan = check_table(table, mapping, actor, confirmed=set(plan.guesses), default_webinar=default)
    except ServiceError as error:
        raise click.ClickException(error.message) from None
    click.echo("Columns: " + ", ".join(f"{header or '?'} -> {field or '-'}"
                                       for header, field in zip(table.headers, mapping, strict=True)))
    for guess in plan.guesses.values():
        click.echo(f"Close match: {guess.text!r} is {guess.label}")
    for row in plan.rows:
        for error in row.errors:
            click.echo(f"Row {row.row_no}: {error}", err=True)
    click.echo(f"{len(plan.rows)} rows: {plan.count('create')} new, {plan.count('update')} changed, "
               f"{plan.count('same')} unchanged, {plan.count('error')} with problems.")
    if plan.count("error"):
        db.session.rollback()
        raise click.ClickException("Nothing was saved.")
    if dry_run or not (plan.count("create") or plan.count("update")):
        db.session.rollback()
        click.echo("Dry run: nothing was saved." if dry_run else "Nothing to save.")
        return
    try:
        result = save_plan(plan, actor, file.name)
    except ServiceError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(f"Saved: {result.created} created, {result.updated} updated.")


def register(app: Flask) -> None:
    """Add the import-items command to `flask`."""
    app.cli.add_command(import_items_command)
