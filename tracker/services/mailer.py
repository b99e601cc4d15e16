"""Sending email with smtplib, configured by the MAIL_* settings."""
import smtplib
import ssl
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from urllib.parse import urlsplit

from flask import current_app

from tracker.timeutil import local_zone

TIMEOUT_SECONDS = 30


class MailError(RuntimeError):
    """The mail server could not be reached or refused a message; the text names the server."""


def server_name() -> str:
    """The configured mail server as host:port, for error messages."""
    config = current_app.config
    return f"{config['MAIL_SERVER']}:{config['MAIL_PORT']}"


def build_message(to: str, subject: str, text: str, html: str | None = None) -> EmailMessage:
    """A message with a plain-text part and, when given, an HTML alternative.

    Marked as sent by a machine (RFC 3834, so auto-replies stay quiet), dated in the app's zone, with
    a Message-ID on the host of BASE_URL and a List-Unsubscribe that points to the profile page, where
    a user turns reminders off.
    """
    config = current_app.config
    base = config["BASE_URL"].rstrip("/")
    message = EmailMessage()
    message["From"] = sender()
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(UTC).astimezone(local_zone()).replace(microsecond=0))
    message["Message-ID"] = make_msgid(domain=urlsplit(base).hostname or "localhost")
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"  # Outlook/Exchange: no out-of-office replies
    message["List-Unsubscribe"] = f"<{base}/profile>"
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message


def sender() -> str:
    """MAIL_DEFAULT_SENDER, given the display name MAIL_SENDER_NAME when it has none of its own."""
    config = current_app.config
    name, address = parseaddr(config["MAIL_DEFAULT_SENDER"])
    return formataddr((name or config["MAIL_SENDER_NAME"], address))


def _connect() -> smtplib.SMTP:
    config = current_app.config
    host, port = config["MAIL_SERVER"], config["MAIL_PORT"]
    if config.get("MAIL_USE_SSL"):
        smtp = smtplib.SMTP_SSL(host, port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=TIMEOUT_SECONDS)
        if config.get("MAIL_USE_TLS"):
            smtp.starttls(context=ssl.create_default_context())
    if config.get("MAIL_USERNAME"):
        smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
    return smtp


def send_all(messages: Iterable[tuple[EmailMessage, object]], on_sent: Callable[[object], None]) -> int:
    """Send each message over one connection; on_sent(key) runs right after the server accepts one.

    Stops at the first failure with a MailError naming the server; messages sent before it stay
    sent (and recorded by on_sent), the rest are not.
    """
    messages = list(messages)
    if not messages:
        return 0
    try:
        smtp = _connect()
    except (OSError, smtplib.SMTPException) as error:
        raise MailError(f"cannot connect to the mail server {server_name()}: {error}") from error
    sent = 0
    try:
        for message, key in messages:
            try:
                refused = smtp.send_message(message)
            except (OSError, smtplib.SMTPException) as error:
                raise MailError(f"the mail server {server_name()} did not accept a message to "
                                f"{message['To']}: {error}") from error
            if refused:
                raise MailError(f"the mail server {server_name()} refused {', '.join(refused)}")
            on_sent(key)
            sent += 1
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            pass
    return sent
