"""Flask commands: create-user, seed-demo."""
import click
from flask import Flask
from flask.cli import with_appcontext

from tracker.extensions import db
from tracker.forms import PASSWORD_MAX, PASSWORD_MIN
from tracker.models import Role
from tracker.services.accounts import AccountError, create_user
from tracker.services.demo import DEMO_PASSWORD, DEMO_USERS, database_is_empty, seed_demo


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
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise click.ClickException(f"The password must have {PASSWORD_MIN} to {PASSWORD_MAX} characters.")
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


def register(app: Flask) -> None:
    app.cli.add_command(create_user_command)
    app.cli.add_command(seed_demo_command)
