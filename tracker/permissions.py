"""Who may do what: can_* predicates for views and templates, require_* helpers for views.

Heads lead the work; administrators hold every head power as well. Members act on the items
they own (penanggung jawab) or support; viewers only read.
"""
from functools import wraps

from flask import abort
from flask_login import current_user

from tracker.models import ActionItem, Role, User
from tracker.models.rules import evidence_is_final, is_lead_role, may_move_due_date, may_verify


def is_lead(user: User) -> bool:
    """Heads and administrators: assign, verify, reopen, cancel, manage webinars."""
    return user.is_authenticated and is_lead_role(user.role)


def can_manage_users(user: User) -> bool:
    """Only administrators manage accounts, settings and days off."""
    return user.is_authenticated and user.role == Role.ADMIN


def can_view_dashboard(user: User) -> bool:
    """Administrators, heads and viewers see the dashboard and reports."""
    return user.is_authenticated and user.role in (Role.ADMIN, Role.HEAD, Role.VIEWER)


def can_manage_webinars(user: User) -> bool:
    """Heads and administrators add and edit webinars."""
    return is_lead(user)


def has_tasks(user: User) -> bool:
    """Members and heads own items; viewers and admins only read or administer."""
    return user.is_authenticated and user.role in (Role.HEAD, Role.MEMBER)


def can_create_items(user: User) -> bool:
    """Heads create items for anyone; members create items they own themselves."""
    return user.is_authenticated and user.role in (Role.HEAD, Role.ADMIN, Role.MEMBER)


def can_bulk_enter(user: User) -> bool:
    """Heads and administrators enter many items at once."""
    return is_lead(user)


def can_assign(user: User) -> bool:
    """Choosing another person as owner is a head's decision."""
    return is_lead(user)


def owns(user: User, item: ActionItem) -> bool:
    """Whether the user is the item's owner (penanggung jawab)."""
    return user.is_authenticated and item.owner_id == user.id


def supports(user: User, item: ActionItem) -> bool:
    """Whether the user is one of the item's supporting members."""
    return user.is_authenticated and any(member.id == user.id for member in item.supporters)


def can_edit_item(user: User, item: ActionItem) -> bool:
    """Heads and administrators edit any item; members edit the items they own."""
    return is_lead(user) or (user.is_authenticated and user.role == Role.MEMBER and owns(user, item))


def can_change_status(user: User, item: ActionItem) -> bool:
    """Whether the user may move the item at all (the workflow decides which moves)."""
    if is_lead(user):
        return True
    return (
        user.is_authenticated
        and user.role == Role.MEMBER
        and (owns(user, item) or supports(user, item))
    )


def can_comment(user: User, item: ActionItem | None = None) -> bool:
    """Everyone signed in except viewers may comment, on any item."""
    return user.is_authenticated and user.role != Role.VIEWER


def can_request_extension(user: User, item: ActionItem) -> bool:
    """The owner proposes a new due date for an item that is still open."""
    return (
        owns(user, item)
        and user.role != Role.VIEWER
        and item.is_open
    )


def can_verify(user: User, item: ActionItem) -> bool:
    """Whether the user may verify this done item (the rule lives in models/rules.py)."""
    return may_verify(user, item)


def can_decide_extension(user: User, item: ActionItem) -> bool:
    """Heads and administrators approve or refuse a request for a later due date."""
    return is_lead(user)


def can_delete_item(user: User, item: ActionItem | None = None) -> bool:
    """Heads and administrators delete an item entered by mistake (with a reason)."""
    return is_lead(user)


def can_restore_item(user: User, item: ActionItem | None = None) -> bool:
    """Administrators list deleted items and restore them."""
    return can_manage_users(user)


def can_see_deleted(user: User) -> bool:
    """Heads and administrators may still open a deleted item's page; to everyone else it does not exist."""
    return is_lead(user)


def can_attach_evidence(user: User, item: ActionItem) -> bool:
    """The owner, a supporting member, a head or an administrator attaches evidence files."""
    return can_change_status(user, item)


def withdraws_as(user: User, item: ActionItem, evidence) -> bool:
    """A head or an administrator, or the owner or supporter who attached the file, may withdraw it."""
    return is_lead(user) or (can_attach_evidence(user, item) and evidence.uploaded_by_id == user.id)


def can_withdraw_evidence(user: User, item: ActionItem, evidence) -> bool:
    """Whether the withdraw button is offered: a current file, an item not verified, a person who may."""
    return evidence.is_current and not evidence_is_final(item) and withdraws_as(user, item, evidence)


def can_download_evidence(user: User, evidence) -> bool:
    """Anyone signed in who may see the item; a withdrawn file only heads and admins (the audit trail)."""
    if not (user.is_authenticated and evidence.item.is_visible):
        return False
    return evidence.is_current or is_lead(user)


def require(predicate):
    """Decorator: 403 unless predicate(current_user) holds."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not predicate(current_user):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def require_item(predicate, item: ActionItem) -> None:
    """403 unless predicate(current_user, item) holds."""
    if not predicate(current_user, item):
        abort(403)


def register_template_helpers(app) -> None:
    """Expose the predicates to templates so buttons hide exactly when the view would refuse."""
    app.jinja_env.globals.update(
        is_lead=is_lead,
        can_manage_users=can_manage_users,
        can_view_dashboard=can_view_dashboard,
        can_manage_webinars=can_manage_webinars,
        has_tasks=has_tasks,
        can_create_items=can_create_items,
        can_bulk_enter=can_bulk_enter,
        can_assign=can_assign,
        can_edit_item=can_edit_item,
        can_change_status=can_change_status,
        can_comment=can_comment,
        can_request_extension=can_request_extension,
        can_decide_extension=can_decide_extension,
        can_verify=can_verify,
        can_delete_item=can_delete_item,
        can_restore_item=can_restore_item,
        can_move_due_date=may_move_due_date,
        can_attach_evidence=can_attach_evidence,
        can_withdraw_evidence=can_withdraw_evidence,
        can_download_evidence=can_download_evidence,
    )


