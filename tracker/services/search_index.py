"""Keeping the search index exact: every change that alters what an item says rewrites its document.

After each flush the session notes which items changed in a way the search sees (an item's text or
references, a comment, an evidence file, a renamed person, theme, unit or webinar); just before the
transaction commits, their documents and the vocabulary are rewritten on the same connection, so the
index commits (or rolls back) with the change. `rebuild` writes the whole index anew (`flask reindex`,
the migration, the bench data).
"""
from collections import Counter
from typing import Iterable

from sqlalchemy import Connection, bindparam, delete, event, inspect, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from tracker.models import ActionItem, Comment, EvidenceFile, Theme, Unit, User, Webinar
from tracker.models.search import ItemSearch, SearchWord
from tracker.services.search_text import Document, document, vocabulary

BATCH = 500
PENDING = "search_pending"  # session.info key: {"item": ids, "theme_id": ids, ...}
ITEM_FIELDS = ("code", "title", "description", "source", "webinar_id", "theme_id", "unit_id", "owner_id",
               "webinar", "theme", "unit", "owner")
# A rename of one of these reaches every item that refers to it.
REFERENCES = ((Theme, ("name", "name_en"), "theme_id"), (Unit, ("name", "short_name"), "unit_id"),
              (User, ("full_name",), "owner_id"), (Webinar, ("title",), "webinar_id"))


def documents(connection: Connection, item_ids: list[int]) -> dict[int, Document]:
    """The search documents of these items, read from the database (missing items are left out)."""
    owner = aliased(User)
    rows = connection.execute(
        select(ActionItem.id, ActionItem.code, ActionItem.title, ActionItem.description, ActionItem.source,
               Webinar.title, Theme.name, Theme.name_en, Unit.name, Unit.short_name, owner.full_name)
        .join(Webinar, Webinar.id == ActionItem.webinar_id)
        .outerjoin(Theme, Theme.id == ActionItem.theme_id).outerjoin(Unit, Unit.id == ActionItem.unit_id)
        .outerjoin(owner, owner.id == ActionItem.owner_id)
        .where(ActionItem.id.in_(item_ids))
    ).all()
    extra: dict[int, list[str | None]] = {item_id: [] for item_id in item_ids}
    for item_id, body in connection.execute(
            select(Comment.item_id, Comment.body).where(Comment.item_id.in_(item_ids)).order_by(Comment.id)):
        extra[item_id].append(body)
    for item_id, name, note in connection.execute(
            select(EvidenceFile.item_id, EvidenceFile.file_name, EvidenceFile.note)
            .where(EvidenceFile.item_id.in_(item_ids), EvidenceFile.is_current).order_by(EvidenceFile.id)):
        extra[item_id] += [name, note]
    return {
        row[0]: document([row[1], row[2]], [row[3], row[4], *extra[row[0]], row[5], row[6], row[7], row[8],
                                            row[9], row[10]])
        for row in rows
    }


def _upsert(connection: Connection):
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(SearchWord)
    return statement.on_conflict_do_update(index_elements=[SearchWord.word],
                                           set_={"n": SearchWord.n + statement.excluded.n})


def _apply_vocabulary(connection: Connection, changes: Counter) -> None:
    """Add the words' counts (in word order: two writers never lock two words in opposite orders)."""
    added = [{"word": word, "n": n} for word, n in sorted(changes.items()) if n > 0]
    removed = [{"w": word, "d": -n} for word, n in sorted(changes.items()) if n < 0]
    if added:
        connection.execute(_upsert(connection), added)
    if removed:
        connection.execute(update(SearchWord).where(SearchWord.word == bindparam("w"))
                           .values(n=SearchWord.n - bindparam("d")).execution_options(synchronize_session=False),
                           removed)
        connection.execute(delete(SearchWord).where(SearchWord.word.in_([row["w"] for row in removed]),
                                                    SearchWord.n <= 0))


def _insert_documents(connection: Connection, new: dict[int, Document]) -> None:
    connection.execute(ItemSearch.__table__.insert(), [
        {"item_id": item_id, "head": doc.head, "body": doc.body, "plain": doc.plain} for item_id, doc in new.items()])


def refresh(connection: Connection, item_ids: Iterable[int]) -> None:
    """Rewrite the documents of these items and the vocabulary's counts (in batches)."""
    ordered = sorted(set(item_ids))
    for start in range(0, len(ordered), BATCH):
        batch = ordered[start:start + BATCH]
        old = dict(connection.execute(select(ItemSearch.item_id, ItemSearch.plain)
                                      .where(ItemSearch.item_id.in_(batch))).all())
        new = documents(connection, batch)
        changes: Counter = Counter()
        for item_id in batch:
            changes.subtract(vocabulary(old.get(item_id, "")))
            changes.update(vocabulary(new[item_id].plain) if item_id in new else ())
        if old:
            connection.execute(delete(ItemSearch).where(ItemSearch.item_id.in_(list(old))))
        if new:
            _insert_documents(connection, new)
        _apply_vocabulary(connection, Counter({word: n for word, n in changes.items() if n}))


def rebuild(connection: Connection) -> int:
    """Write the whole index anew from the items; returns how many items it holds."""
    connection.execute(delete(ItemSearch))
    connection.execute(delete(SearchWord))
    ids = connection.scalars(select(ActionItem.id).order_by(ActionItem.id)).all()
    counts: Counter = Counter()
    for start in range(0, len(ids), BATCH):
        new = documents(connection, ids[start:start + BATCH])
        if new:
            _insert_documents(connection, new)
        for doc in new.values():
            counts.update(vocabulary(doc.plain))
    words = [{"word": word, "n": n} for word, n in sorted(counts.items())]
    for start in range(0, len(words), 5 * BATCH):
        connection.execute(SearchWord.__table__.insert(), words[start:start + 5 * BATCH])
    return len(ids)


def _changed(instance, names: Iterable[str]) -> bool:
    state = inspect(instance)
    return any(state.attrs[name].history.has_changes() for name in names)


def mark_item(session: Session, item_id: int) -> None:
    """Note an item whose document a bulk statement changed (the ORM's flush does not see those)."""
    session.info.setdefault(PENDING, {}).setdefault("item", set()).add(item_id)


def _note_changes(session: Session, _flush_context) -> None:
    """After a flush: note the items (and renamed references) whose documents must be rewritten."""
    noted: dict[str, set] = {}
    dirty = session.dirty  # a set computed afresh at each read: read once
    for instance in (*session.new, *dirty, *session.deleted):
        if isinstance(instance, ActionItem):
            if instance in dirty and not _changed(instance, ITEM_FIELDS):
                continue
            noted.setdefault("item", set()).add(instance.id)
        elif isinstance(instance, (Comment, EvidenceFile)):
            noted.setdefault("item", set()).add(instance.item_id)
        else:
            for model, names, column in REFERENCES:
                if isinstance(instance, model) and instance in dirty and _changed(instance, names):
                    noted.setdefault(column, set()).add(instance.id)
    pending = session.info.setdefault(PENDING, {}) if noted else {}  # a flush that touched nothing notes nothing
    for key, ids in noted.items():
        pending.setdefault(key, set()).update(ids)


def _write_changes(session: Session) -> None:
    """Before the commit: rewrite the noted documents on the transaction's own connection."""
    if not session.info.get(PENDING):
        return
    session.flush()  # the last changes are noted too
    pending = session.info.pop(PENDING, {})
    item_ids = set(pending.pop("item", ()))
    connection = session.connection()
    for column, ids in pending.items():
        item_ids.update(connection.scalars(select(ActionItem.id).where(getattr(ActionItem, column).in_(ids))))
    item_ids.discard(None)
    if item_ids:
        refresh(connection, item_ids)


def _forget(session: Session, transaction) -> None:
    """The outermost transaction ended (committed or rolled back): nothing is pending any more.

    A savepoint that rolls back keeps the notes: rewriting a document from the stored rows is right
    whatever was undone.
    """
    if transaction.parent is None:
        session.info.pop(PENDING, None)


def init_app(_app) -> None:
    """Listen to every session's flushes and commits (once per process)."""
    for name, listener in (("after_flush", _note_changes), ("before_commit", _write_changes),
                           ("after_transaction_end", _forget)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
