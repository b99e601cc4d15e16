"""The search index: one stemmed document per item, and the vocabulary of indexed words for typos.

Python writes both tables (services/search_index.py) in the same transaction as the change, so SQLite
and PostgreSQL index the same words. What each database adds to find them fast is DDL of its own:
SQLite an FTS5 table over the documents (kept by triggers) and an FTS5 trigram table over the
vocabulary; PostgreSQL tsvector columns (all words; code and title) with GIN indexes and a pg_trgm
index on the words.
The migration runs that DDL (create_statements); the tests' schema fixture runs the same statements.
"""
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base


class ItemSearch(Base):
    """An item's search document: `head` (code and title) ranks above `body` (everything else it says)."""

    __tablename__ = "item_search"

    item_id: Mapped[int] = mapped_column(ForeignKey("action_items.id", ondelete="CASCADE"), primary_key=True)
    head: Mapped[str] = mapped_column(Text, default="")  # stemmed words, space-separated
    body: Mapped[str] = mapped_column(Text, default="")
    plain: Mapped[str] = mapped_column(Text, default="")  # the words as written: snippets and vocabulary


class SearchWord(Base):
    """A word as written somewhere in the items (lower case), and in how many items it occurs."""

    __tablename__ = "search_words"

    id: Mapped[int] = mapped_column(primary_key=True)  # a stable rowid for SQLite's trigram table
    word: Mapped[str] = mapped_column(String(60), unique=True)
    n: Mapped[int] = mapped_column(default=0)


_SQLITE = {
    # External content: the FTS index reads item_search, its triggers keep it in step with every write.
    "item_search": [
        "CREATE VIRTUAL TABLE IF NOT EXISTS item_search_fts USING fts5(head, body, content='item_search', "
        "content_rowid='item_id', tokenize=\"unicode61 tokenchars '_'\")",
        "CREATE TRIGGER IF NOT EXISTS item_search_fts_insert AFTER INSERT ON item_search BEGIN "
        "INSERT INTO item_search_fts (rowid, head, body) VALUES (NEW.item_id, NEW.head, NEW.body); END",
        "CREATE TRIGGER IF NOT EXISTS item_search_fts_delete AFTER DELETE ON item_search BEGIN "
        "INSERT INTO item_search_fts (item_search_fts, rowid, head, body) "
        "VALUES ('delete', OLD.item_id, OLD.head, OLD.body); END",
        "CREATE TRIGGER IF NOT EXISTS item_search_fts_update AFTER UPDATE ON item_search BEGIN "
        "INSERT INTO item_search_fts (item_search_fts, rowid, head, body) "
        "VALUES ('delete', OLD.item_id, OLD.head, OLD.body); "
        "INSERT INTO item_search_fts (rowid, head, body) VALUES (NEW.item_id, NEW.head, NEW.body); END",
    ],
    "search_words": [
        "CREATE VIRTUAL TABLE IF NOT EXISTS search_words_trgm USING fts5(word, content='search_words', "
        "content_rowid='id', tokenize='trigram')",
        "CREATE TRIGGER IF NOT EXISTS search_words_trgm_insert AFTER INSERT ON search_words BEGIN "
        "INSERT INTO search_words_trgm (rowid, word) VALUES (NEW.id, NEW.word); END",
        "CREATE TRIGGER IF NOT EXISTS search_words_trgm_delete AFTER DELETE ON search_words BEGIN "
        "INSERT INTO search_words_trgm (search_words_trgm, rowid, word) VALUES ('delete', OLD.id, OLD.word); END",
    ],
}
_POSTGRESQL = {
    # The Python-stemmed words become lexemes as they are (no parser, no second stemmer); code and title
    # have a vector of their own, so that "matches in the title" is an index lookup too.
    "item_search": [
        "ALTER TABLE item_search ADD COLUMN document tsvector GENERATED ALWAYS AS ("
        "array_to_tsvector(array_remove(string_to_array(head || ' ' || body, ' '), ''))) STORED",
        "ALTER TABLE item_search ADD COLUMN head_document tsvector GENERATED ALWAYS AS ("
        "array_to_tsvector(array_remove(string_to_array(head, ' '), ''))) STORED",
        "CREATE INDEX ix_item_search_document ON item_search USING gin (document)",
        "CREATE INDEX ix_item_search_head_document ON item_search USING gin (head_document)",
    ],
    "search_words": [
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        "CREATE INDEX ix_search_words_trgm ON search_words USING gin (word gin_trgm_ops)",
    ],
}
# Objects of this DDL that the models do not describe (the migrations test and autogenerate skip them).
NATIVE_NAMES = frozenset({"document", "head_document", "ix_item_search_document", "ix_item_search_head_document",
                          "ix_search_words_trgm"})
NATIVE_TABLE_PREFIXES = ("item_search_fts", "search_words_trgm")


def create_statements(dialect: str, table: str | None = None) -> list[str]:
    """The DDL of the native search structures on this dialect (of one table, or of both once both exist)."""
    statements = _POSTGRESQL if dialect == "postgresql" else _SQLITE
    return statements[table] if table else [*statements["item_search"], *statements["search_words"]]


def drop_statements(dialect: str) -> list[str]:
    """The DDL that removes them again (before the two tables are dropped)."""
    if dialect == "postgresql":
        return ["DROP INDEX IF EXISTS ix_search_words_trgm", "DROP INDEX IF EXISTS ix_item_search_document",
                "DROP INDEX IF EXISTS ix_item_search_head_document",
                "ALTER TABLE item_search DROP COLUMN IF EXISTS document",
                "ALTER TABLE item_search DROP COLUMN IF EXISTS head_document"]
    return ["DROP TABLE IF EXISTS item_search_fts", "DROP TABLE IF EXISTS search_words_trgm"]


def include_name(name, type_, parent_names) -> bool:
    """Alembic's filter: leave out the native search objects that the models do not describe."""
    if type_ == "table" and name and name.startswith(NATIVE_TABLE_PREFIXES):
        return False
    return name not in NATIVE_NAMES
