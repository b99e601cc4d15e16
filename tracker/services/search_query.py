"""Searching the index: which items match, how well, what a mistyped word meant, and the snippets.

Every searched word must match (its stem; parts of codes as prefixes, search_text.Term). SQLite asks its FTS5 table,
PostgreSQL its tsvector columns; the items whose code and title hold every word come first. A word that matches no item at all is replaced by the nearest word of the vocabulary (FTS5
trigrams or pg_trgm find candidates, difflib picks the closest), and the page says so.
"""
import difflib
from dataclasses import replace

from markupsafe import Markup
from sqlalchemy import (
    ColumnElement,
    Select,
    bindparam,
    case,
    column,
    exists,
    false,
    func,
    literal,
    literal_column,
    select,
    table,
)
from sqlalchemy.dialects.postgresql import TSQUERY

from tracker.extensions import db
from tracker.models import ActionItem
from tracker.models.search import ItemSearch, SearchWord
from tracker.services import search_text
from tracker.services.search_text import SEPARATOR, Term

CANDIDATES = 40  # vocabulary words that share trigrams with a mistyped word, compared by difflib
CLOSE_ENOUGH = 0.7  # difflib ratio below which no correction is offered
MANY_IN_HEAD = 200  # code-and-title matches in a filter from which in_head tests them item by item
_FTS = table("item_search_fts", column("rowid"))
_TRIGRAMS = table("search_words_trgm", column("word"))
_DOCUMENT = literal_column("item_search.document")
_HEAD = literal_column("item_search.head_document")


def _postgresql() -> bool:
    return db.engine.dialect.name == "postgresql"


def _fts_match(terms: list[Term], head_only: bool = False) -> str:
    # Words are letters, digits and "_" only (search_text.WORD): quoting them is enough.
    match = " AND ".join(f'"{term.stem}"{"*" if term.prefix else ""}' for term in terms)
    return f"{{head}} : ({match})" if head_only else match


def _tsquery(terms: list[Term]):
    text = " & ".join(_lexemes(term) for term in terms)
    return bindparam("search_query", text, unique=True).cast(TSQUERY)


def _lexemes(term: Term) -> str:
    # A stem of several words ("straße" -> "stra e": Sastrawi drops letters beyond a-z) is indexed as
    # those words. FTS5 reads '"stra e"' as a phrase; a tsvector without positions has no phrases,
    # so PostgreSQL asks for each of the words.
    words = [f"'{word}'" for word in term.stem.split()]
    if term.prefix:
        words[-1] += ":*"
    return words[0] if len(words) == 1 else f"({' & '.join(words)})"


def matching(terms: list[Term], head_only: bool = False) -> Select:
    """The ids of the items whose documents (or only their code and title) hold every term."""
    if _postgresql():
        return select(ItemSearch.item_id).where((_HEAD if head_only else _DOCUMENT).op("@@")(_tsquery(terms)))
    return select(_FTS.c.rowid).where(literal_column("item_search_fts").op("MATCH")(
        bindparam("search_match", _fts_match(terms, head_only), unique=True)))


def driven_by_matches(statement: Select, terms: list[Term], head_only: bool = False,
                      selective: bool = False) -> Select:
    """A select of action_items limited to the items that match, read from the search index first on SQLite.

    FTS5 lists its matches at 0.03 µs each and each is found in action_items by its id, so a capped
    count stops early; SQLite, without statistics, would rather probe the index once per item of the
    filter (18 µs each). A selective filter (one webinar, one owner) keeps the old plan: the filter's
    index first, each of its few items looked up in the list of matches. PostgreSQL plans by itself.
    """
    if not terms:
        return statement.select_from(ActionItem).where(false())
    if selective or _postgresql():
        return statement.select_from(ActionItem).where(ActionItem.id.in_(matching(terms, head_only)))
    match = bindparam("search_match", _fts_match(terms, head_only), unique=True)
    # "+ 0": the index is never probed by id, so it leads the join.
    return (statement.select_from(_FTS).join(ActionItem, ActionItem.id == _FTS.c.rowid + 0)
            .where(literal_column("item_search_fts").op("MATCH")(match)))


def condition(terms: list[Term]) -> ColumnElement:
    """WHERE the item matches the search (nothing matches a search without a single word)."""
    return ActionItem.id.in_(matching(terms)) if terms else false()


def tested(terms: list[Term]) -> ColumnElement:
    """WHERE the item matches, tested on each item the filter's index reads in order (many matches).

    SQLite would rather read the list of matches first and sort them all: "+ 0" keeps it from leading.
    """
    return (ActionItem.id + 0).in_(matching(terms)) if not _postgresql() else condition(terms)


def in_head(terms: list[Term], many: bool) -> ColumnElement:
    """WHERE the item's code and title hold every term, for an item read in the filter's order.

    With many such items in the filter (head_cap) SQLite asks the item's own row of item_search: its
    head is the stems of code and title separated by spaces (search_text.stems), exactly the words FTS5
    indexes, so a stem is found as " stem " (a prefix as " stem"): 1.6 µs an item, where listing every
    code-and-title match first costs O(matches) and asking FTS5 item by item 18 µs. With few, the list
    of them is short: each item is looked up in it. PostgreSQL plans the lookup itself.
    """
    if _postgresql():
        return ActionItem.id.in_(matching(terms, head_only=True))
    if not many:
        return (ActionItem.id + 0).in_(matching(terms, head_only=True))
    words = literal(" ") + ItemSearch.head + literal(" ")
    holds = [func.instr(words, f" {term.stem}" if term.prefix else f" {term.stem} ") > 0 for term in terms]
    return exists(select(ItemSearch.item_id).where(ItemSearch.item_id == ActionItem.id, *holds))


def head_cap(end: int) -> int:
    """How far to count the code-and-title matches of a page ending at row `end`.

    To the end of the page (where the first tier stops), and on SQLite at least to MANY_IN_HEAD: that
    many in the filter make them dense enough for in_head to test item by item.
    """
    return end if _postgresql() else max(end, MANY_IN_HEAD)


def rank(terms: list[Term]) -> ColumnElement:
    """0 for an item whose code and title hold every term, 1 for the others (ORDER BY it first).

    Two index lookups whatever the number of matches: a score per row (bm25, ts_rank) cost 5 µs per
    matching item, 20 ms for 4,000 matches, and the title already says what the item is about.
    """
    return case((ActionItem.id.in_(matching(terms, head_only=True)), 0), else_=1)


def _unmatched(terms: list[Term]) -> list[Term]:
    """The terms that match no item at all (one query for all of them)."""
    if not terms:
        return []
    checks = [exists(matching([term])).label(f"found_{index}") for index, term in enumerate(terms)]
    row = db.session.execute(select(*checks)).one()
    return [term for term, found in zip(terms, row) if not found]


def _candidates(word: str) -> list[str]:
    """Vocabulary words that share trigrams with a word, the most alike first."""
    if _postgresql():
        return list(db.session.scalars(
            select(SearchWord.word).where(SearchWord.word.op("%")(word))
            .order_by(func.similarity(SearchWord.word, word).desc()).limit(CANDIDATES)))
    grams = {word[index:index + 3] for index in range(len(word) - 2)}
    match = " OR ".join(f'"{gram}"' for gram in sorted(grams))
    return list(db.session.scalars(
        select(_TRIGRAMS.c.word).where(literal_column("search_words_trgm").op("MATCH")(match))
        .order_by(literal_column("rank")).limit(CANDIDATES)))


def nearest(word: str) -> str | None:
    """The indexed word closest to a mistyped one, or None when none is close enough."""
    if len(word) < search_text.MIN_VOCABULARY or not word.isalpha():
        return None
    found = difflib.get_close_matches(word, _candidates(word), n=1, cutoff=CLOSE_ENOUGH)
    return found[0] if found else None


def corrected(item_filter):
    """The filter with each word that finds nothing replaced by the nearest indexed word.

    Returns (filter to run, the corrected search text or None when nothing was corrected).
    """
    terms = item_filter.terms
    replacements = {}
    for term in _unmatched(terms):
        closest = nearest(term.word)
        if closest:
            replacements[term.word] = closest
    if not replacements:
        return item_filter, None
    text = " ".join(replacements.get(term.word, term.word) for term in terms)
    return replace(item_filter, q=text), text


def snippets(items: list, terms: list[Term]) -> dict[int, Markup]:
    """For each listed item, a passage of its text (beyond code and title) around the words found."""
    if not items or not terms:
        return {}
    rows = db.session.execute(select(ItemSearch.item_id, ItemSearch.plain)
                              .where(ItemSearch.item_id.in_([item.id for item in items]))).all()
    found, matcher = {}, search_text.Matcher(terms)  # one for the page: each distinct word stemmed once
    for item_id, plain in rows:
        parts = plain.split(SEPARATOR, 2)
        passage = search_text.snippet(parts[2], matcher) if len(parts) == 3 else Markup("")
        if passage:
            found[item_id] = passage
    return found
