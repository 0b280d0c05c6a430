"""The words the search knows: to tell a misspelt word from a known one and to correct it.

Kept in the cache and extended whenever documents are written (so a search costs no query for
it); rebuilt from the products when the cache lost it, and daily so that deleted products'
words go.
"""

import difflib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.cache import cache

from .search_index import SearchDocument
from .search_text import description_terms, parts, stem

CACHE_KEY = "catalogue:search-vocabulary:v1"
# A short key that changes with every write: each process keeps the vocabulary it unpickled
# (it is large) until the version moves. Other caches of search results include it in their key.
VERSION_KEY = "catalogue:search-vocabulary:version"
CACHE_SECONDS = 24 * 3600
_local: dict[str, object] = {"version": None, "vocabulary": None}
# How close a misspelt word must be to a known one (difflib ratio) to be corrected.
CORRECTION_CUTOFF = 0.75


@dataclass
class Vocabulary:
    """Every indexed term (`known`), and the terms of names, brands, categories and colours
    with a word to show for each (`display`): what a misspelt word is corrected to."""

    known: set[str] = field(default_factory=set)
    display: dict[str, str] = field(default_factory=dict)

    def add(self, *, words: str, body: str) -> None:
        """Add one document: its folded name/brand/category/colour words and its body terms."""
        for word in words.split():
            term = stem(word)
            self._offer(term, word)
            for part in parts(term):
                if term.endswith(part):
                    # a suffix part shows as the word's tail ("regenjacke" → "jacke")
                    self._offer(part, word[len(term) - len(part) :])
                else:
                    # a prefix ("daunen…") is known but offered as no word of its own: its
                    # head may be cut anywhere ("gipfelgl")
                    self.known.add(part)
        self.known.update(body.split())

    def _offer(self, term: str, word: str) -> None:
        self.known.add(term)
        if term not in self.display or len(word) < len(self.display[term]):
            self.display[term] = word

    def correct(self, term: str) -> str | None:
        """The nearest name/brand/category/colour term to an unknown one, or None."""
        if term in self.known or term.isdigit() or len(term) < 4:
            return None
        candidates = [t for t in self.display if t[:1] == term[:1] and abs(len(t) - len(term)) <= 3]
        found = difflib.get_close_matches(term, candidates, n=1, cutoff=CORRECTION_CUTOFF)
        return found[0] if found else None

    def nearest(self, term: str, cutoff: float = 0.6) -> str | None:
        found = difflib.get_close_matches(term, list(self.display), n=1, cutoff=cutoff)
        return found[0] if found else None


def vocabulary_build(rows: Iterable[tuple[str, str]]) -> Vocabulary:
    """From (search_words, description) of every active product."""
    vocabulary = Vocabulary()
    for words, description in rows:
        vocabulary.add(words=words, body=description_terms(description))
    _store(vocabulary)
    return vocabulary


def vocabulary_cached() -> Vocabulary | None:
    version = cache.get(VERSION_KEY)
    if version is not None and _local["version"] == version:
        found = _local["vocabulary"]
        return found if isinstance(found, Vocabulary) else None
    found = cache.get(CACHE_KEY)
    if not isinstance(found, Vocabulary):
        return None
    if version is None:
        _store(found)
    else:
        _local.update(version=version, vocabulary=found)
    return found


def _store(vocabulary: Vocabulary) -> None:
    version = uuid.uuid4().hex
    cache.set(CACHE_KEY, vocabulary, CACHE_SECONDS)
    cache.set(VERSION_KEY, version, CACHE_SECONDS)
    _local.update(version=version, vocabulary=vocabulary)


def vocabulary_extend(documents: Iterable[SearchDocument]) -> Vocabulary | None:
    """Add freshly written documents to the cached vocabulary (None when none is cached)."""
    vocabulary = vocabulary_cached()
    if vocabulary is None:
        return None
    for document in documents:
        vocabulary.add(
            words=document.words,
            body=" ".join((document.name, document.brand, document.category, document.body)),
        )
    _store(vocabulary)
    return vocabulary
