"""Flask commands for cron and scripts: send-reminders, send-digest, send-notifications, create-token."""
import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import TokenKind, User
from tracker.services.errors import ServiceError
from tracker.services.mailer import MailError
from tracker.services.notification_mail import send_notifications
from tracker.services.reminders import send_digest, send_reminders
from tracker.services.tokens import create_token
from tracker.timeutil import local_today, zone_label


def _run(send, what: str) -> None:
    """Send, committing each user's record as soon as their message is accepted."""
    today = local_today()
    sent = []

    def commit() -> None:
        db.session.commit()
        sent.append(1)

    try:
        count = send(today, commit)
    except MailError as error:
        db.session.rollback()
        raise click.ClickException(f"{what}: {error} ({len(sent)} sent before the failure; "
                                   "run the command again to send the rest)") from None
    click.echo(f"{what}: {count} email(s) sent for {today.isoformat()} ({zone_label()}).")


@click.command("send-reminders")
@with_appcontext
def send_reminders_command():
    """Email owners about their overdue and soon-due items (once per day; for cron)."""
    _run(send_reminders, "send-reminders")


@click.command("send-digest")
@with_appcontext
def send_digest_command():
    """Email the weekly digest to heads (once per day at most; run weekly from cron)."""
    _run(send_digest, "send-digest")


@click.command("send-notifications")
@with_appcontext
def send_notifications_command():
    """Email each person the notifications they chose, one mail per person (idempotent; for cron)."""
    _run(send_notifications, "send-notifications")


@click.command("create-token")
@click.argument("username")
@click.option("--name", default="", help="What the token is for, e.g. the system that uses it.")
@with_appcontext
def create_token_command(username, name):
    """Create a personal API token for a user and print it (it is shown only this once)."""
    user = db.session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    if user is None or not user.active:
        raise click.ClickException(f"no active user named '{username}'")
    try:
        _token, secret = create_token(user, TokenKind.API, name or "CLI")
    except ServiceError as error:
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(secret)


def register(app: Flask) -> None:
    """Add the send-reminders, send-digest, send-notifications and create-token commands to `flask`."""
    app.cli.add_command(send_reminders_command)
    app.cli.add_command(send_notifications_command)
    app.cli.add_command(send_digest_command)
    app.cli.add_command(create_token_command)
