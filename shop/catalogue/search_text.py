"""The one German normaliser of the product search, for the indexed text and the query alike.

Both databases index and query what this module makes of a text, so PostgreSQL and SQLite find
the same products:

- folding: lower case, ß → ss, accents and umlauts dropped (ä → a), and the spellings ae/oe/ue
  folded the same way (ue → u), so "Gipfelglück", "Gipfelglueck" and "gipfelgluck" are one word;
- stemming: the Snowball German stemmer (the algorithm of PostgreSQL's `german` configuration):
  "Jacken" and "Jacke" → "jack", "Rucksäcke" → "rucksack";
- compounds: an indexed name also carries the parts of its long words ("Regenjacke" is indexed
  as "regenjack", "jack" and "regen"), so "Jacken" finds a rain jacket and "Schlafsäcke" a
  "Daunenschlafsack". Queries are not split: a shopper's word must be a whole word or a part.
"""

import re
import threading
import unicodedata
from functools import lru_cache

import snowballstemmer

# Words that carry no meaning in a product search ("Jacke für Damen" is "jacke damen").
_STOP = """aber als am an auch auf aus bei bis das dem den der des die ein eine einem einen einer
eines fur gegen im in ist mit nach ohne oder uber um und von vom zu zum zur the and for with of a"""
STOP_WORDS = frozenset(_STOP.split())
# A compound part must be at least this long; shorter tails ("en", "ack") match too much.
PART_MIN = 4
# Only words at least this long are split into parts.
SPLIT_MIN = 7
MAX_QUERY_TERMS = 8

_WORD = re.compile(r"[a-z0-9]+")
_DIGRAPHS = re.compile(r"(?<=[a-z])(ae|oe|ue)")
# A Snowball stemmer keeps its word in its own state: one per thread (gunicorn's threads stem
# at the same time; a shared one raised IndexError under load).
_stemmers = threading.local()


def fold(text: str) -> str:
    """Lower case ASCII: umlauts, ß and accents folded, ae/oe/ue spelled as the plain vowel."""
    text = text.lower().replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    # "gipfelglueck" → "gipfelgluck"; applied to index and query alike, so "neue" → "neu" on
    # both sides does no harm.
    return _DIGRAPHS.sub(lambda m: m.group(1)[0], text)


def words(text: str) -> list[str]:
    """The folded words of a text, unstemmed (what a spelling suggestion offers)."""
    return _WORD.findall(fold(text))


@lru_cache(maxsize=20_000)
def stem(word: str) -> str:
    stemmer = getattr(_stemmers, "german", None)
    if stemmer is None:
        stemmer = _stemmers.german = snowballstemmer.stemmer("german")
    return str(stemmer.stemWord(word))


def parts(term: str) -> list[str]:
    """The prefixes and suffixes of a long stemmed word that a shopper may type on their own."""
    if len(term) < SPLIT_MIN or term.isdigit():
        return []
    found = [term[i:] for i in range(3, len(term) - PART_MIN + 1)]
    found += [term[:i] for i in range(PART_MIN, len(term) - 2)]
    return found


def index_terms(text: str, *, compounds: bool = True) -> str:
    """The text as indexed: stems (and, for names, their compound parts), space-separated."""
    terms: list[str] = []
    for word in words(text):
        term = stem(word)
        terms.append(term)
        if compounds:
            terms += parts(term)
    return " ".join(terms)


def description_terms(text: str) -> str:
    """A description as indexed: its stems and only the heads of its long words
    ("induktionsgeeignet" → "indu", …, "induktionsgeeig"). Every part of every long word doubled
    the document (PostgreSQL then stored it out of line, and each ranked search read it); a
    shopper's word found in a description is the head of a longer one far more often than its
    tail. Names, brands, categories and colours keep heads and tails."""
    terms: list[str] = []
    for word in words(text):
        term = stem(word)
        terms.append(term)
        if len(term) >= SPLIT_MIN and not term.isdigit():
            terms += [term[:i] for i in range(PART_MIN, len(term) - 2)]
    return " ".join(dict.fromkeys(terms))


def query_terms(query: str) -> list[str]:
    """The stems a query asks for, stop words left out, at most MAX_QUERY_TERMS, no repeats."""
    terms = [stem(word) for word in words(query) if word not in STOP_WORDS]
    return list(dict.fromkeys(t for t in terms if t))[:MAX_QUERY_TERMS]
