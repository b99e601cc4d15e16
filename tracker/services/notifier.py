"""Who hears about a change to an item: one in-app notification per person, made in the change's transaction.

The services that change items call these functions after the change; they never notify the actor,
nor a deactivated account, and a change without an actor (demo data) notifies nobody. Whether a
notification also goes out by e-mail is decided now, from the recipient's choice in their profile
(services/notification_mail.py sends it).
"""
from collections.abc import Iterable

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import ActionItem, Notification, NotificationKind, Role, Status, User
from tracker.models.rules import may_verify
from tracker.services.mentions import mentioned_people

Kind = NotificationKind


def email_kinds(user: User) -> set[str]:
    """The notification kinds this person also wants by e-mail."""
    return {kind for kind in (user.email_events or "").split(",") if kind}


def notify(item: ActionItem, actor: User | None, kind: Kind, recipients: Iterable[User],
           detail: str | None = None) -> list[User]:
    """Add one notification per recipient (each once; never the actor, never an inactive account).

    A change without an actor (demo data, fixtures) tells nobody: no one did it.
    """
    if actor is None:
        return []
    notified, seen = [], {actor.id}
    for person in recipients:
        if person is None or person.id in seen or not person.active:
            continue
        seen.add(person.id)
        db.session.add(Notification(
            user_id=person.id, actor_id=actor.id, item_id=item.id, kind=kind,
            detail=detail, email_pending=bool((person.email or "").strip()) and kind.value in email_kinds(person),
        ))
        notified.append(person)
    return notified


def owner_of(item: ActionItem) -> User | None:
    """The item's current owner (by id: the relationship may still hold the one before an edit)."""
    return db.session.get(User, item.owner_id) if item.owner_id is not None else None


def item_people(item: ActionItem) -> list[User]:
    """The people whose item it is: the owner and the supporting members."""
    return [person for person in [owner_of(item), *item.supporters] if person is not None]


def created(item: ActionItem, actor: User | None) -> None:
    """A new item: its owner and its supporters hear that it is theirs."""
    notify(item, actor, Kind.ASSIGNED, [owner_of(item)])
    notify(item, actor, Kind.SUPPORTER, item.supporters)


def edited(item: ActionItem, actor: User, changed: list[str], old_supporter_ids: set[int]) -> None:
    """After an edit: a new owner, new supporters, and a moved due date reach the people concerned."""
    if "owner_id" in changed:
        notify(item, actor, Kind.ASSIGNED, [owner_of(item)])
    if "supporters" in changed:
        notify(item, actor, Kind.SUPPORTER, [m for m in item.supporters if m.id not in old_supporter_ids])
    if "due_date" in changed:
        due_date_moved(item, actor)


def due_date_moved(item: ActionItem, actor: User, leave_out: Iterable[User] = ()) -> None:
    """The item's people hear of its new due date."""
    left_out = {person.id for person in leave_out}
    detail = item.due_date.isoformat() if item.due_date else None
    notify(item, actor, Kind.DUE_DATE, [p for p in item_people(item) if p.id not in left_out], detail)


def status_changed(item: ActionItem, actor: User) -> None:
    """The item's people hear of its new status; a done item asks the heads who may verify it."""
    notify(item, actor, Kind.STATUS, item_people(item), item.status.value)
    if item.status == Status.DONE:
        notify(item, actor, Kind.VERIFY, verifiers(item))


def verifiers(item: ActionItem) -> list[User]:
    """Who should verify a done item: the heads who may (four eyes), else the administrators who may."""
    leads = db.session.scalars(
        select(User).where(User.active.is_(True), User.role.in_((Role.HEAD, Role.ADMIN))).order_by(User.id)
    ).all()
    allowed = [person for person in leads if may_verify(person, item)]
    heads = [person for person in allowed if person.role == Role.HEAD]
    return heads or allowed


def commented(item: ActionItem, actor: User, body: str) -> list[User]:
    """Those @mentioned hear of the mention; the item's other people of the comment. Returns the mentioned."""
    mentioned = notify(item, actor, Kind.MENTION, mentioned_people(body).values())
    named = {person.id for person in mentioned}
    notify(item, actor, Kind.COMMENT, [p for p in item_people(item) if p.id not in named])
    return mentioned


def extension_decided(item: ActionItem, actor: User, requester: User | None, approved: bool) -> None:
    """The requester hears the decision; an approval also tells the item's other people the new date."""
    notify(item, actor, Kind.EXTENSION, [requester], "approved" if approved else "rejected")
    if approved:
        due_date_moved(item, actor, leave_out=[requester] if requester is not None else [])
