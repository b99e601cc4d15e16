"""Flask commands: create-user, seed-demo, backup, restore, verify-history, reindex."""
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

from tracker.extensions import db
from tracker.models import Role
from tracker.services.accounts import AccountError, create_user
from tracker.services.backup import BackupError, backup, default_backup_path, restore
from tracker.services.demo import DEMO_PASSWORD, DEMO_USERS, database_is_empty, seed_demo
from tracker.services.history_check import verify_history
from tracker.services.passwords import password_problem
from tracker.services.search_index import rebuild


@click.command("create-user")
@click.argument("username")
@click.option("--full-name", prompt=True, help="The person's full name.")
@click.option(
    "--role", type=click.Choice([role.value for role in Role]), default=Role.MEMBER.value,
    show_default=True,
)
@click.option("--email", default=None)
@click.option("--nip", default=None)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@with_appcontext
def create_user_command(username, full_name, role, email, nip, password):
    """Create an account (for the first administrator, or scripts)."""
    problem = password_problem(password)
    if problem:
        raise click.ClickException(problem)
    try:
        user = create_user(username, full_name, password, role=Role(role), email=email, nip=nip)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Created {user.role.value} account '{user.username}'.")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has accounts.")
@with_appcontext
def seed_demo_command(if_empty):
    """Load the demo: Webinar Seri 28 with its follow-ups, example webinars and demo accounts."""
    if if_empty and not database_is_empty():
        click.echo("The database already has data; demo not seeded.")
        return
    created = seed_demo()
    db.session.commit()
    if created:
        click.echo("Seeded: " + ", ".join(created))
    else:
        click.echo("Demo data already present; nothing added.")
    click.echo(f"Demo accounts (demo only!), password '{DEMO_PASSWORD}':")
    for username, full_name, role, _unit in DEMO_USERS:
        click.echo(f"  {username:<10} {role.value:<7} {full_name}")


@click.command("backup")
@click.option("--output", type=click.Path(dir_okay=False), help="Where to write (default: instance/backups/).")
@with_appcontext
def backup_command(output):
    """Copy the database to a file while the app keeps serving (for cron)."""
    from flask import current_app

    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    target = Path(output) if output else default_backup_path(current_app.instance_path, url)
    try:
        written = backup(url, target)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backup written to {written} ({written.stat().st_size} bytes).")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(source, yes):
    """Replace the database's contents with a backup. Stop the app servers first."""
    from flask import current_app

    if not yes:
        click.confirm("This replaces every row in the database. Continue?", abort=True)
    db.session.remove()
    db.engine.dispose()
    try:
        restore(current_app.config["SQLALCHEMY_DATABASE_URI"], Path(source))
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored from {source}.")


@click.command("verify-history")
@with_appcontext
def verify_history_command():
    """Check every item's history chain: exit 0 when intact, 1 naming the first row that does not match."""
    report = verify_history()
    db.session.rollback()
    if report.intact:
        click.echo(f"History intact: {report.items} items, {report.rows} rows checked.")
        return
    found = report.first_break
    item = found.item_code or f"#{found.item_id}"
    click.echo(f"History row #{found.row_id} of item {item} does not match: {found.problem}.", err=True)
    click.echo(f"Checked {report.items} items, {report.rows} rows up to that row.", err=True)
    raise SystemExit(1)


@click.command("reindex")
@with_appcontext
def reindex_command():
    """Rebuild the search index (every item's document and the vocabulary) in one transaction."""
    items = rebuild(db.session.connection())
    db.session.commit()
    click.echo(f"Search index rebuilt: {items} items.")


def register(app: Flask) -> None:
    """Add the create-user, seed-demo, backup, restore, verify-history and reindex commands to `flask`."""
    app.cli.add_command(create_user_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(verify_history_command)
    app.cli.add_command(reindex_command)
