"""Words for the search: the same tokens and Indonesian stems for what is indexed and what is typed.

Text is split into words of letters, digits and "_" (lower case, accents dropped); a word of letters
is reduced to its root by Sastrawi ("pelatihan", "melatih" -> "latih"), others stay as written
("s28", "2024", "sistem_informasi"). Both databases index the stems this module makes, so a search
means the same on SQLite and PostgreSQL.
"""
import re
import unicodedata
from collections import deque
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import islice

from markupsafe import Markup, escape
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

WORD = re.compile(r"(\w+)")  # a group: WORD.split keeps the words
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
    if text.isascii():  # nothing to decompose: most text, and a page highlights a thousand words
        return text.lower()
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
    return Matcher(searched)(word)


class Matcher:
    """matches() for one search, asked of every word on a page: each distinct word is stemmed once."""

    def __init__(self, searched: list[Term]):
        self.stems = {term.stem for term in searched if not term.prefix}
        self.prefixes = tuple(term.stem for term in searched if term.prefix)
        self.known: dict[str, bool] = {}

    def __call__(self, word: str) -> bool:
        found = self.known.get(word)
        if found is None:
            root = stem(normalize(word))
            found = self.known[word] = root in self.stems or bool(self.prefixes) and root.startswith(self.prefixes)
        return found


def _marked(text: str, found: Matcher) -> Markup:
    """The text escaped, its words that the search found in <mark> (the text between them escaped at once)."""
    pieces, start = [], 0
    for word in WORD.finditer(text):
        if found(word.group()):
            pieces += [escape(text[start:word.start()]), Markup("<mark>%s</mark>") % word.group()]
            start = word.end()
    pieces.append(escape(text[start:]))
    return Markup("").join(pieces)


def highlight(text: str, searched: list[Term] | Matcher) -> Markup:
    """A text, escaped, with the words a search found in <mark>."""
    return _marked(text or "", searched if isinstance(searched, Matcher) else Matcher(searched))


def snippet(plain: str, searched: list[Term] | Matcher) -> Markup:
    """A short passage of an item's text around its first matching word, the matches in <mark>.

    About SNIPPET_WORDS / 2 words before it and SNIPPET_WORDS from it; the text is read only that far.
    """
    found, plain = searched if isinstance(searched, Matcher) else Matcher(searched), plain or ""
    before = deque(maxlen=SNIPPET_WORDS // 2 + 1)  # the starts of the last words read, the match last
    scan = WORD.finditer(plain)
    for word in scan:
        before.append(word.start())
        if found(word.group()):
            break
    else:
        return Markup("")
    cut = len(before) > SNIPPET_WORDS // 2  # words before the passage are left out
    after = list(islice(scan, SNIPPET_WORDS))  # the match is the first of SNIPPET_WORDS words shown
    more = len(after) == SNIPPET_WORDS
    passage = plain[before[0] if cut else 0:after[-1].start() if more else len(plain)]
    return Markup("… " if cut else "") + _marked(passage.strip(), found) + Markup(" …" if more else "")
