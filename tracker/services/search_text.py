"""Words for the search: the same tokens and Indonesian stems for what is indexed and what is typed.

Text is split into words of letters, digits and "_" (lower case, accents dropped); a word of letters
is reduced to its root by Sastrawi ("pelatihan", "melatih" -> "latih"), others stay as written
("s28", "2024", "sistem_informasi"). Both databases index the stems this module makes, so a search
means the same on SQLite and PostgreSQL.
"""
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from markupsafe import Markup, escape
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

WORD = re.compile(r"\w+")
MAX_WORD = 60  # longer "words" (a pasted hash, a URL run together) are not indexed
MIN_VOCABULARY = 3  # shorter words are not offered as typo corrections
SNIPPET_WORDS = 24  # words around the first match
SEPARATOR = " · "  # between the fields of an item's plain text


@cache
def _stemmer():
    return StemmerFactory().create_stemmer()


@cache
def stop_words() -> frozenset[str]:
    """Indonesian stop words (Sastrawi's list): dropped from a search that has other words."""
    return frozenset(StopWordRemoverFactory().get_stop_words())


def normalize(text: str) -> str:
    """Lower case without accents ("Pelatihan Dasar" -> "pelatihan dasar")."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    """The words of a text as indexed (lower case, at most MAX_WORD characters each)."""
    return [word for word in WORD.findall(normalize(text)) if len(word) <= MAX_WORD]


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The root of a word of letters ("perbaikan" -> "baik"); other words as they are."""
    if not word.isalpha() or len(word) <= 3:
        return word
    return _stemmer().stem(word) or word


def stems(text: str) -> str:
    """A text as its stemmed words, space-separated (what the index holds)."""
    return " ".join(stem(word) for word in words(text))


def vocabulary(plain: str) -> set[str]:
    """The distinct words of an item's plain text that may be offered as corrections."""
    return {word for word in words(plain) if word.isalpha() and len(word) >= MIN_VOCABULARY}


@dataclass(frozen=True)
class Document:
    """One item's search document."""

    head: str
    body: str
    plain: str


def document(head_fields: list[str | None], body_fields: list[str | None]) -> Document:
    """The document of an item from its code and title, and everything else it says."""
    head = [field for field in head_fields if field]
    body = [field for field in body_fields if field]
    return Document(head=stems(" ".join(head)), body=stems(" ".join(body)), plain=SEPARATOR.join(head + body))


@dataclass(frozen=True)
class Term:
    """One searched word: as typed (normalized) and its stem.

    A word is found by its stem; a part of a code or name with digits or "_" ("s29-0", "sistem_") is
    found as the start of an indexed word. Prefix lookups of whole words cost an FTS5 index ten times
    more, and the stem already covers the word's other forms.
    """

    word: str
    stem: str

    @property
    def prefix(self) -> bool:
        """Whether the term matches any indexed word that starts with it."""
        return not self.stem.isalpha()


def terms(query: str, limit: int) -> list[Term]:
    """The words of a search; stop words are dropped unless nothing else is left."""
    typed = list(dict.fromkeys(words(query)))
    kept = [word for word in typed if word not in stop_words()] or typed
    return [Term(word, stem(word)) for word in kept[:limit]]


def matches(word: str, searched: list[Term]) -> bool:
    """Whether a written word is one the search found (as the index matches it)."""
    root = stem(word)
    return any(root.startswith(term.stem) if term.prefix else root == term.stem for term in searched)


def highlight(text: str, searched: list[Term]) -> Markup:
    """A text, escaped, with the words a search found in <mark>."""
    pieces = re.split(r"(\w+)", text or "")  # odd positions are words
    return Markup("").join(
        Markup("<mark>%s</mark>") % piece if index % 2 and matches(normalize(piece), searched) else escape(piece)
        for index, piece in enumerate(pieces))


def snippet(plain: str, searched: list[Term]) -> Markup:
    """A short passage of an item's text around its first matching word, the matches in <mark>."""
    pieces = re.split(r"(\w+)", plain or "")
    first = next((index for index in range(1, len(pieces), 2) if matches(normalize(pieces[index]), searched)), None)
    if first is None:
        return Markup("")
    start = max(0, first - SNIPPET_WORDS)  # pieces alternate separator, word: about 12 words before
    end = min(len(pieces), first + 2 * SNIPPET_WORDS)
    passage = highlight("".join(pieces[start:end]).strip(), searched)
    return Markup("… " if start > 0 else "") + passage + Markup(" …" if end < len(pieces) else "")
