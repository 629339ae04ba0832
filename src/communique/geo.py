"""Where: toponyms recognised and resolved to GeoNames places, and the place of an event.

The gazetteer is our own data file, ``data/gazetteer.tsv.gz`` (built by
``scripts/build_gazetteer.py`` from GeoNames data, CC BY 4.0; see ``data/gazetteer.md``):
countries, admin1 areas and cities of at least 5,000 people, with alternate names and old
spellings. Toponyms are spaCy GPE/LOC/FAC entities, plus capitalised proper nouns the
gazetteer knows that spaCy missed or mislabelled, plus unknown names that a settlement noun
marks as places ("the village of Shurifah", "the Balata refugee camp"); country adjectives
("Chinese") are actors, not places.

Resolution scores each candidate place: ``log10(population)``, plus a bonus for the article's
country context (weighted by how often each country is mentioned, +3 for the most mentioned),
a smaller one for its admin1 areas (+1), a bonus by feature (countries +1.5, admin1 areas -0.5
against cities of the same name) and +1 for capitals. "Paris, Texas", "Mansfield, MA" and
"Homs province" narrow the candidates first; a city beats the admin1 area named after it.

The place of an event (:func:`event_toponym`) is the toponym attached to its verb, else one
elsewhere in its clause, else in a related clause, the most specific first.
"""

from __future__ import annotations

import gc
import gzip
import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType

from spacy.attrs import LEMMA, LOWER, TAG
from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from communique.model import Location
from communique.model import Span as CharSpan

__all__ = [
    "ChoiceWeights",
    "Gazetteer",
    "LocationModel",
    "Place",
    "Toponym",
    "event_candidates",
    "event_location",
    "event_toponym",
    "fold",
    "load_gazetteer",
    "load_location_model",
    "resolve_toponym",
    "to_location",
    "toponyms",
]

GAZETTEER_VERSION = "1"
GAZETTEER_COLUMNS = (
    "geonameid",
    "name",
    "feature",
    "feature_class",
    "country",
    "admin1_code",
    "admin1",
    "lat",
    "lon",
    "population",
    "capital",
    "names",
)
_POSSESSIVE = re.compile("['\u2019]s$")
_APOSTROPHES = "'\u2019\u2018\u02bc\u02bb`\u00b4"
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_AP_STATES = (
    ("Ala.", "AL"), ("Ariz.", "AZ"), ("Ark.", "AR"), ("Calif.", "CA"), ("Colo.", "CO"),
    ("Conn.", "CT"), ("Del.", "DE"), ("Fla.", "FL"), ("Ga.", "GA"), ("Ill.", "IL"),
    ("Ind.", "IN"), ("Kan.", "KS"), ("Ky.", "KY"), ("La.", "LA"), ("Md.", "MD"),
    ("Mass.", "MA"), ("Mich.", "MI"), ("Minn.", "MN"), ("Miss.", "MS"), ("Mo.", "MO"),
    ("Mont.", "MT"), ("Neb.", "NE"), ("Nev.", "NV"), ("N.H.", "NH"), ("N.J.", "NJ"),
    ("N.M.", "NM"), ("N.Y.", "NY"), ("N.C.", "NC"), ("N.D.", "ND"), ("Okla.", "OK"),
    ("Ore.", "OR"), ("Pa.", "PA"), ("R.I.", "RI"), ("S.C.", "SC"), ("S.D.", "SD"),
    ("Tenn.", "TN"), ("Vt.", "VT"), ("Va.", "VA"), ("Wash.", "WA"), ("W.Va.", "WV"),
    ("Wis.", "WI"), ("Wyo.", "WY"), ("D.C.", "DC"),
)  # fmt: skip
_CONTEXT_BONUS = 3.0
_CAPITAL_BONUS = 1.0
_AREA_BONUS = 1.0
_FEATURE_BONUS = MappingProxyType({"country": 1.5, "city": 0.0, "admin1": -0.5})
_ADMIN_WORDS = frozenset(
    {"province", "governorate", "state", "region", "oblast", "prefecture", "provinces"}
)
_MAX_WORDS = 4
_NOTABLE = 10_000  # people: a gazetteer-only name outside a place slot must be this large
# Entity labels the gazetteer overrides: the weak ones always, PERSON/ORG/NORP when the whole
# entity is a known place in a place slot or a large place.
_WEAK_LABELS = frozenset({"", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW"})
_OVERRIDDEN = frozenset({"PERSON", "ORG", "NORP"})
_NAME_PARTICLES = frozenset({"e", "al", "el", "de", "del", "la", "le", "ad", "ar", "as", "an"})
_SETTLEMENT_NOUNS = frozenset(
    {
        "city", "town", "village", "district", "province", "region", "area", "neighbourhood",
        "neighborhood", "suburb", "camp", "municipality", "governorate", "state", "port",
        "island", "capital", "county", "settlement", "hamlet", "township", "enclave",
        "outskirts", "outskirt", "heart", "centre", "center",
    }
)  # fmt: skip
# Nouns a preceding proper noun names a place of ("the Sufa checkpoint", "Amriya district").
_NAMED_PLACE_NOUNS = frozenset(
    {
        "village", "villages", "town", "district", "neighbourhood", "neighborhood", "camp",
        "checkpoint", "crossing", "suburb", "governorate", "province", "area", "region",
        "valley", "mountains", "mountain", "square",
    }
)  # fmt: skip
_MODIFIERS = frozenset({"compound", "amod"})
# Prepositions that place an event ("clashes in Homs", "marched through Tokyo"); the coder's
# location prepositions are added to these.
_EVENT_PREPS = frozenset(
    {
        "in", "at", "near", "outside", "inside", "across", "throughout", "over", "through",
        "around", "into", "on", "along", "within", "toward", "towards", "off", "onto",
    }
)  # fmt: skip
# Verbs whose object (or passive subject) is the place itself ("captured Mazar-e-Sharif").
_PLACE_OBJECT_LEMMAS = frozenset(
    {
        "attack", "bomb", "shell", "strike", "raid", "storm", "enter", "invade", "occupy",
        "capture", "seize", "take", "retake", "recapture", "liberate", "besiege", "overrun",
        "control", "hit", "target", "destroy", "visit", "tour", "patrol", "evacuate",
        "surround", "encircle", "reach", "pound", "bombard", "blockade", "flood",
        "rock", "devastate", "ravage", "raze", "loot", "sack", "annex", "secure",
        "clear", "cross", "defend", "fortify", "govern", "rule", "free", "recover", "lose",
    }
)  # fmt: skip
# How specific a chosen place is: the labels mark the most specific place of a phrase.
_SPECIFICITY = MappingProxyType({"city": 0, "admin1": 1, "country": 2})
_UNRESOLVED_SPECIFICITY = MappingProxyType({"LOC": 3})  # other unresolved names: small, -1
# Nouns a place name may modify and still be where something happened ("Gibraltar's border",
# "Aleppo's countryside"); a place that modifies any other noun ("U.S. soldiers") is not.
_PLACE_NOUNS = _SETTLEMENT_NOUNS | {
    "border", "borders", "countryside", "street", "streets", "outskirts", "suburbs", "coast",
    "part", "parts", "north", "south", "east", "west", "northeast", "northwest", "southeast",
    "southwest", "territory", "soil", "side", "areas", "villages", "towns", "cities", "home",
    "house", "residence", "hometown", "vicinity",
}  # fmt: skip
_OTHER_CLAUSES = frozenset(
    {"ccomp", "advcl", "relcl", "conj", "xcomp", "acl", "parataxis", "csubj"}
)


def fold(name: str) -> str:
    """A name's lookup key: no accents, apostrophes, possessive "'s" or leading "the", hyphens
    as spaces."""
    decomposed = unicodedata.normalize("NFKD", _POSSESSIVE.sub("", name.strip()))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.translate({ord(c): None for c in _APOSTROPHES}).replace("-", " ")
    return " ".join(plain.lower().split()).removeprefix("the ")


@dataclass(frozen=True, slots=True)
class Place:
    """A GeoNames place. ``feature`` is the precision: "country" | "admin1" | "city"."""

    name: str
    geonameid: int | None
    feature: str
    country: str  # ISO3
    lat: float
    lon: float
    population: int
    feature_class: str = "P"  # GeoNames feature class: "P" populated place, "A" admin area
    admin1: str | None = None  # name of the admin1 area (of a city; an admin1 names itself)
    admin1_code: str | None = None
    capital: bool = False
    key: str = ""  # the lookup key of its own name (alternate names are other keys)


@dataclass(frozen=True)
class Gazetteer:
    """Places by lookup key (:func:`fold`); load once with :func:`load_gazetteer`."""

    by_name: Mapping[str, tuple[Place, ...]]
    version: str = GAZETTEER_VERSION
    # US state abbreviations, exact text: postal codes ("TX") and AP style ("Calif.").
    abbreviations: Mapping[str, Place] = field(default_factory=dict)

    def lookup(self, name: str) -> tuple[Place, ...]:
        return self.by_name.get(fold(name), ())


def _default_path() -> Path:
    return Path(str(resources.files("communique") / "data" / "gazetteer.tsv.gz"))


def _place(cells: list[str]) -> tuple[Place, list[str]]:
    (gid, name, feature, fclass, country, a1code, a1name, lat, lon, pop, cap, names) = cells
    keys = names.split("|")
    place = Place(
        name=name,
        geonameid=int(gid) if gid else None,
        feature=feature,
        country=country,
        lat=float(lat),
        lon=float(lon),
        population=int(pop),
        feature_class=fclass,
        admin1=a1name or None,
        admin1_code=a1code or None,
        capital=cap == "1",
        key=keys[0],
    )
    return place, keys


def _rows(path: Path) -> Iterator[list[str]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        header: list[str] | None = None
        for line in handle:
            if line.startswith("#"):
                continue
            cells = line.rstrip("\n").split("\t")
            if header is None:
                header = cells
                if tuple(header) != GAZETTEER_COLUMNS:
                    raise ValueError(f"{path}: unexpected columns {header}")
                continue
            yield cells


def _index(path: Path, min_city_population: int) -> Gazetteer:
    index: dict[str, tuple[Place, ...]] = {}
    states: dict[str, Place] = {}
    get = index.get
    for cells in _rows(path):
        place, keys = _place(cells)
        if place.feature == "city" and place.population < min_city_population:
            continue
        for key in keys:
            index[key] = (*get(key, ()), place)
        if place.feature == "admin1" and place.country == "USA" and place.admin1_code:
            states[place.admin1_code] = place
    ap_style = {ap: states[code] for ap, code in _AP_STATES if code in states}
    return Gazetteer(by_name=index, abbreviations={**states, **ap_style})


def load_gazetteer(*, min_city_population: int = 5000, path: Path | None = None) -> Gazetteer:
    """Read the gazetteer file once per process (well under a second); pass the result around.

    The garbage collector is paused while the ~70,000 places are built (it would otherwise
    rescan them many times over) and restored afterwards.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        return _index(path or _default_path(), min_city_population)
    finally:
        if paused:
            gc.enable()


# --------------------------------------------------------------------------- resolution


def _weights(context: Sequence[str]) -> dict[str, float]:
    counts = Counter(context)
    top = max(counts.values(), default=1)
    return {country: n / top for country, n in counts.items()}


def _score(place: Place, weights: Mapping[str, float], areas: Mapping[str, float]) -> float:
    return (
        math.log10(place.population + 1)
        + _CONTEXT_BONUS * weights.get(place.country, 0.0)
        + _AREA_BONUS * areas.get(f"{place.country}.{place.admin1_code}", 0.0)
        + _FEATURE_BONUS.get(place.feature, 0.0)
        + _CAPITAL_BONUS * place.capital
    )


def _contains(outer: Place, inner: Place) -> bool:
    if outer.country != inner.country or outer is inner:
        return False
    return outer.feature == "country" or (
        outer.feature == "admin1" and outer.admin1_code == inner.admin1_code
    )


def _narrow(candidates: Sequence[Place], *, within: Place | None, admin: bool) -> list[Place]:
    kept = list(candidates)
    if within is not None:
        kept = [p for p in kept if _contains(within, p)] or kept
    if admin:
        return [p for p in kept if p.feature == "admin1"] or kept
    # A city and the admin1 area named after it ("Donetsk", "New York"): the city is meant.
    seats = {(p.country, p.admin1_code) for p in kept if p.feature == "city"}
    return [p for p in kept if p.feature != "admin1" or (p.country, p.admin1_code) not in seats]


def _candidates(name: str, gaz: Gazetteer) -> tuple[tuple[Place, ...], bool]:
    """Candidates for a name, and whether it named an admin area ("Homs province")."""
    state = gaz.abbreviations.get(name.strip())
    if state is not None and "." in name:  # "Calif.", "N.Y."; bare "LA" may be Los Angeles
        return (state,), True
    found = gaz.lookup(name)
    words = fold(name).split()
    if len(words) > 1 and words[-1] in _ADMIN_WORDS:
        shorter = gaz.by_name.get(" ".join(words[:-1]), ())
        if shorter and not any(p.feature == "admin1" for p in found):
            return shorter, True
    return found, False


def resolve_toponym(
    name: str,
    gaz: Gazetteer,
    *,
    context: Sequence[str] = (),
    within: Place | None = None,
    admin: bool = False,
    areas: Sequence[str] = (),
) -> Place | None:
    """The most plausible place for a name.

    ``context``: ISO3 codes of the article's countries, one per mention (repeats weigh more).
    ``within``: a place that must contain it ("Paris, Texas"); ``admin``: the text named an
    admin area ("Homs province"); ``areas``: the article's admin1 areas as "ISO3.code", one
    per mention (a smaller bonus than countries: "Forest Hill" in a story about Fort Worth).
    """
    found, named_admin = _candidates(name, gaz)
    if not found:
        return None
    candidates = _narrow(found, within=within, admin=admin or named_admin)
    weights, area_weights = _weights(context), _weights(areas)
    return max(candidates, key=lambda p: (_score(p, weights, area_weights), -(p.geonameid or 0)))


def to_location(place: Place, span: CharSpan | None) -> Location:
    return Location(
        name=place.name,
        country=place.country,
        lat=place.lat,
        lon=place.lon,
        geonameid=place.geonameid,
        feature=place.feature,
        span=span,
        admin1=place.admin1,
        feature_class=place.feature_class,
    )


# --------------------------------------------------------------------------- recognition


@dataclass(frozen=True, slots=True)
class Toponym:
    """A place name in the text (token range ``[start, end)``) and its resolution, if any."""

    text: str
    span: CharSpan
    start: int
    end: int
    source: str  # "GPE" | "LOC" | "FAC" | "gazetteer"
    place: Place | None


def _entity_toponyms(doc: Doc, gaz: Gazetteer) -> Iterator[tuple[SpacySpan, str]]:
    for ent in doc.ents:
        if ent.label_ in _PLACE_LABELS and ent.root.tag_ != "JJ":
            yield _hyphenated(_trimmed(ent), gaz), ent.label_


def _hyphenated(span: SpacySpan, gaz: Gazetteer) -> SpacySpan:
    """A name the tokenizer cut at a hyphen ("Mazar" of "Mazar-e-Sharif"), made whole again
    when the gazetteer knows the whole."""
    doc, end = span.doc, span.end
    while end < len(doc) and end - span.end < 2 * _MAX_WORDS and not doc[end - 1].whitespace_:
        end += 1
    for stop in range(end, span.end, -1):
        longer = doc[span.start : stop]
        if longer[-1].is_alpha and fold(longer.text) in gaz.by_name:
            return longer
    return span


def _trimmed(span: SpacySpan) -> SpacySpan:
    """Without a leading "the" or a trailing possessive or punctuation ("Hama.", "Delhi's")."""
    start, end = span.start, span.end
    while end - start > 1 and (span.doc[end - 1].is_punct or span.doc[end - 1].tag_ == "POS"):
        end -= 1
    if end - start > 1 and span.doc[start].lower_ == "the":
        start += 1
    return span.doc[start:end]


def _eligible(tok: Token) -> bool:
    return (
        tok.tag_ == "NNP"
        and not tok.is_stop
        and len(tok.text) > 1
        and (tok.is_title or tok.is_upper)
        and tok.ent_type_ in _WEAK_LABELS
    )


def _inner(tok: Token) -> bool:
    """A token that may stand inside a multi-word name ("Cap-Haitien", "Mazar-e-Sharif")."""
    return _eligible(tok) or tok.tag_ == "HYPH" or tok.lower_ in _NAME_PARTICLES


def _known(key: str, gaz: Gazetteer, *, min_population: int = 0) -> bool:
    """A gazetteer-only match must be a place's own name, or a country's or admin1's."""
    return any(
        (key == p.key or p.feature != "city") and p.population >= min_population
        for p in gaz.by_name.get(key, ())
    )


def _in_place_slot(span: SpacySpan, *, objects: bool) -> bool:
    """The object of "in/at/near ...", of "the city of ...", or (``objects``) of a verb like
    "captured"."""
    root = span.root
    if root.dep_ == "pobj":
        prep = root.head
        return prep.lower_ in _EVENT_PREPS or (
            prep.lower_ == "of" and prep.head.lemma_ in _PLACE_NOUNS
        )
    in_object = root.dep_ in {"dobj", "nsubjpass"}
    return objects and in_object and root.head.lemma_ in _PLACE_OBJECT_LEMMAS


def _gazetteer_match(doc: Doc, i: int, gaz: Gazetteer, taken: set[int]) -> SpacySpan | None:
    for n in range(min(_MAX_WORDS, len(doc) - i), 0, -1):
        span = doc[i : i + n]
        if not _eligible(span[-1]) or any(t.i in taken or not _inner(t) for t in span):
            continue
        # outside a place slot, a bare capitalised word must be a notable place: "Montoya was
        # captured" is a man, not Montoya, Colombia
        floor = 0 if _in_place_slot(span, objects=False) else _NOTABLE
        if _known(fold(span.text), gaz, min_population=floor):
            return span
    return None


def _gazetteer_toponyms(doc: Doc, gaz: Gazetteer, taken: set[int]) -> Iterator[SpacySpan]:
    """Capitalised proper nouns outside any entity (or in a weak one, spaCy's small model
    calls "Quetta" a PRODUCT) that the gazetteer knows."""
    end = 0
    for i in _indices(doc, TAG, ("NNP",)):  # only a proper noun is ``_eligible``
        if i < end or not _eligible(doc[i]):
            continue
        match = _gazetteer_match(doc, i, gaz, taken)
        if match is not None:
            yield match
            end = match.end


def _indices(doc: Doc, attr: int, values: Iterable[str]) -> list[int]:
    """The indices of the tokens whose ``attr`` (``LOWER``, ``LEMMA``, ``TAG``) is one of
    ``values``, read from the document's array (no Token object for the others)."""
    wanted = {doc.vocab.strings[v] for v in values}
    return [i for i, h in enumerate(doc.to_array(attr).tolist()) if h in wanted]


def _overridden_entities(doc: Doc, gaz: Gazetteer, taken: set[int]) -> Iterator[SpacySpan]:
    """PERSON/ORG/NORP entities that are a known place ("Karachi" as ORG): in a place slot
    ("in Karachi", "captured Karachi"), or a place of 100,000 people or more."""
    for ent in doc.ents:
        if ent.label_ not in _OVERRIDDEN or any(t.i in taken for t in ent):
            continue
        span = _hyphenated(_trimmed(ent), gaz)
        if span.root.tag_ != "NNP" or not _known(fold(span.text), gaz):
            continue
        # People are captured and killed: a PERSON is a place only after a preposition.
        slot = _in_place_slot(span, objects=ent.label_ != "PERSON")
        if slot or _known(fold(span.text), gaz, min_population=100_000):
            yield span


def _named_by_pattern(doc: Doc, taken: set[int]) -> Iterator[SpacySpan]:
    """Unknown names by their settlement noun: "the village of Shurifah", "the Balata refugee
    camp", "Amriya district"."""
    yield from _named_after_of(doc, taken)
    for i in _indices(doc, LEMMA, _NAMED_PLACE_NOUNS):
        noun = doc[i]
        if noun.tag_ == "NNP":
            continue
        name = _name_before(noun)
        if name is not None and not any(t.i in taken for t in name):
            yield name


def _name_before(noun: Token) -> SpacySpan | None:
    """The proper nouns right before ``noun`` and its common-noun modifiers."""
    doc, end = noun.doc, noun.i
    while end > 0 and doc[end - 1].tag_ in {"NN", "JJ"} and doc[end - 1].dep_ in _MODIFIERS:
        end -= 1  # "refugee" in "the Balata refugee camp"
    start = end
    while start > 0 and doc[start - 1].tag_ in {"NNP", "HYPH"}:
        start -= 1
    return doc[start:end] if start < end and doc[start].tag_ == "NNP" else None


def _named_after_of(doc: Doc, taken: set[int]) -> Iterator[SpacySpan]:
    """ "the village of Shurifah": the proper noun after "<settlement noun> of"."""
    for i in _indices(doc, LOWER, ("of",)):
        of = doc[i]
        if of.head.lemma_ not in _SETTLEMENT_NOUNS:
            continue
        for pobj in (c for c in of.children if c.dep_ == "pobj" and c.tag_ == "NNP"):
            start = pobj.i
            while start - 1 > of.i and doc[start - 1].tag_ in {"NNP", "HYPH"}:
                start -= 1
            if not any(i in taken for i in range(start, pobj.i + 1)):
                yield doc[start : pobj.i + 1]


def _recognise(doc: Doc, gaz: Gazetteer) -> list[tuple[SpacySpan, str]]:
    found = list(_entity_toponyms(doc, gaz))
    taken = {t.i for ent, _ in found for t in ent}
    found += [(span, "gazetteer") for span in _overridden_entities(doc, gaz, taken)]
    taken |= {t.i for ent, _ in found for t in ent}
    found += [(span, "gazetteer") for span in _gazetteer_toponyms(doc, gaz, taken)]
    taken |= {t.i for ent, _ in found for t in ent}
    found += [(span, "pattern") for span in _named_by_pattern(doc, taken)]
    return sorted(found, key=lambda pair: pair[0].start)


def _names_admin_area(span: SpacySpan) -> bool:
    """ "Homs province", "the province of Homs"."""
    doc, root = span.doc, span.root
    after = span.end < len(doc) and doc[span.end].lower_ in _ADMIN_WORDS
    of = root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.lower_ in _ADMIN_WORDS
    return after or of


def _container(
    spans: Sequence[SpacySpan], k: int, gaz: Gazetteer, context: Sequence[str]
) -> Place | None:
    """The place named right after ``spans[k]`` and a comma: "Paris, Texas", "Mansfield, MA",
    "Hayward, Calif."."""
    here = spans[k]
    doc = here.doc
    if here.end + 1 >= len(doc) or doc[here.end].text != ",":
        return None
    state = gaz.abbreviations.get(doc[here.end + 1].text)
    if state is not None:
        return state
    after = spans[k + 1] if k + 1 < len(spans) else None
    if after is None or after.start != here.end + 1:
        return None
    return resolve_toponym(after.text, gaz, context=context)


def _unambiguous(spans: Iterable[SpacySpan], gaz: Gazetteer) -> tuple[list[str], list[str]]:
    """Countries and admin1 areas ("ISO3.code") of the toponyms whose candidates all lie in
    one country (one area)."""
    countries: list[str] = []
    areas: list[str] = []
    for span in spans:
        candidates = _candidates(span.text, gaz)[0]
        if len({p.country for p in candidates}) == 1:
            countries.append(candidates[0].country)
            codes = {f"{p.country}.{p.admin1_code}" for p in candidates if p.admin1_code}
            areas.extend(codes if len(codes) == 1 else ())
    return countries, areas


def toponyms(doc: Doc, gaz: Gazetteer, *, context: Sequence[str] = ()) -> list[Toponym]:
    """Every toponym of a parsed document, resolved.

    ``context`` is the article's country per actor mention; the countries of toponyms that
    have candidates in one country only are added to it.
    """
    found = _recognise(doc, gaz)
    spans = [span for span, _ in found]
    countries, areas = _unambiguous(spans, gaz)
    full = [*context, *countries]
    out: list[Toponym] = []
    for k, (span, source) in enumerate(found):
        within = _container(spans, k, gaz, full)
        place = resolve_toponym(
            span.text,
            gaz,
            context=full,
            within=within,
            admin=_names_admin_area(span),
            areas=areas,
        )
        char = CharSpan(span.start_char, span.end_char)
        out.append(Toponym(span.text, char, span.start, span.end, source, place))
    return out


# --------------------------------------------------------------------------- event location

_PHRASE_DEPS = frozenset({"prep", "pobj", "compound", "appos", "conj", "poss", "nmod", "npadvmod"})
_DIRECTIONS = frozenset(
    {
        "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest",
        "north-east", "north-west", "south-east", "south-west", "outside", "ahead",
    }
)  # fmt: skip
_PARENT_CLAUSES = frozenset({"conj", "xcomp", "advcl", "ccomp", "pcomp"})


def _by_token(places: Sequence[Toponym]) -> dict[int, Toponym]:
    return {i: t for t in places for i in range(t.start, t.end)}


def _phrase_places(head: Token, index: Mapping[int, Toponym]) -> Iterator[Toponym]:
    """Toponyms in the noun phrase of ``head``, through nested prepositions and possessives
    ("a bus station in the city of Damaturu"), not into relative clauses."""
    stack = [head]
    while stack:
        tok = stack.pop(0)
        if tok.i in index and not _modifier(index[tok.i], tok):
            yield index[tok.i]
        stack.extend(c for c in tok.children if _in_phrase(c))


def _in_phrase(tok: Token) -> bool:
    """Phrase links followed: not "from Jordan" (an origin), not relative clauses."""
    if tok.dep_ == "prep":
        return tok.lower_ in _EVENT_PREPS or tok.lower_ == "of"
    return tok.dep_ in _PHRASE_DEPS


def _modifier(top: Toponym, tok: Token) -> bool:
    """A country name that only modifies another noun: "U.S. soldiers", "Syria's war" (a city
    that does is where it happened: "the Baghdad headquarters", "the Bombay floods")."""
    root = tok.doc[top.start : top.end].root
    if root.dep_ not in {"compound", "poss", "nmod", "amod"} or top.start <= root.head.i < top.end:
        return False
    country_level = top.place is not None and top.place.feature == "country"
    return country_level and root.head.lower_ not in _PLACE_NOUNS


def _preps(head: Token, preps: frozenset[str]) -> Iterator[Token]:
    """Prepositions on ``head``, with their conjuncts ("in Paris and in Lyon")."""
    for prep in head.children:
        if prep.dep_ == "prep" and prep.lower_ in preps:
            yield prep
            yield from (c for c in prep.children if c.dep_ == "conj" and c.lower_ in preps)


def _attached_places(
    head: Token, preps: frozenset[str], index: Mapping[int, Toponym]
) -> Iterator[Toponym]:
    for prep in (*_preps(head, preps), *_direction_of(head)):
        for pobj in (c for c in prep.children if c.dep_ == "pobj"):
            yield from _phrase_places(pobj, index)


def _direction_of(head: Token) -> Iterator[Token]:
    """ "found east of Sinjar": the "of" under a direction word."""
    for child in head.children:
        if child.dep_ in {"advmod", "npadvmod", "prep"} and child.lower_ in _DIRECTIONS:
            yield from (c for c in child.children if c.dep_ == "prep" and c.lower_ == "of")


def _object_places(verb: Token, index: Mapping[int, Toponym]) -> Iterator[Toponym]:
    """ "captured Mazar-e-Sharif", "Chechnya's towns were destroyed"; and a place name hung
    on the verb itself ("blew himself up in the capital, Islamabad, on Monday")."""
    takes_place = verb.lemma_.lower() in _PLACE_OBJECT_LEMMAS
    for child in verb.children:
        if takes_place and child.dep_ in {"dobj", "nsubjpass"}:
            yield from _phrase_places(child, index)
        elif child.dep_ == "npadvmod" and child.i in index:
            yield index[child.i]


def _clause_tokens(verb: Token) -> Iterator[Token]:
    """Tokens of the verb's own clause, not of clauses nested in it."""
    stack = [c for c in verb.children if c.dep_ not in _OTHER_CLAUSES]
    while stack:
        tok = stack.pop(0)
        yield tok
        stack.extend(c for c in tok.children if c.dep_ not in _OTHER_CLAUSES)


def _own_places(
    verb: Token, preps: frozenset[str], index: Mapping[int, Toponym]
) -> Iterator[tuple[int, Toponym]]:
    """(tier, toponym): attached to the verb (0), elsewhere in its clause (1)."""
    for place in (*_attached_places(verb, preps, index), *_object_places(verb, index)):
        yield 0, place
    for tok in _clause_tokens(verb):
        for place in _attached_places(tok, preps, index):
            yield 1, place


def _related_places(
    verb: Token, preps: frozenset[str], index: Mapping[int, Toponym]
) -> Iterator[tuple[int, Toponym]]:
    """Tier 2: the clause the verb depends on, its conjoined verbs, the noun a relative
    clause describes ("the city of Ibb, where ... were commemorating")."""
    head = verb
    while head.dep_ in _PARENT_CLAUSES and head.head.i != head.i:
        head = head.head
        yield from ((2, p) for _, p in _own_places(head, preps, index))
    for child in verb.children:
        if child.dep_ == "conj" and child.pos_ in {"VERB", "AUX"}:
            yield from ((2, p) for _, p in _own_places(child, preps, index))
    if verb.dep_ in {"relcl", "acl"}:
        yield from ((2, p) for p in _phrase_places(verb.head, index))
    for tok in verb.subtree:
        for place in _attached_places(tok, preps, index):
            yield 3, place


def _specificity(top: Toponym) -> float:
    if top.place is not None:
        return _SPECIFICITY.get(top.place.feature, 0)
    return _UNRESOLVED_SPECIFICITY.get(top.source, -1)


# --------------------------------------------------------------------------- learned choice

LOCATION_MODEL_VERSION = "1"
# Clause links counted on the path from the verb to a candidate.
_PATH_CLAUSES = _OTHER_CLAUSES | {"pcomp"}
# Actor-like heads a place name may modify ("Hong Kong police", "Syrian Army troops").
_ACTOR_ENTS = frozenset({"NORP", "ORG", "PERSON"})
# Where an unrecognised proper noun may still name the place of an event.
_CHUNK_DEPS = frozenset({"pobj", "dobj", "nsubjpass", "nsubj", "appos", "conj", "npadvmod"})
_NOT_PLACES = frozenset(
    {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY", "NORP", "LANGUAGE"}
)


@dataclass(frozen=True, slots=True)
class ChoiceWeights:
    """The weights (feature -> weight) and "no place" threshold of one choice."""

    weights: Mapping[str, float]
    threshold: float

    def score(self, features: Iterable[str]) -> float:
        get = self.weights.get
        return sum(get(name, 0.0) for name in features)


@dataclass(frozen=True)
class LocationModel:
    """A logistic-regression scorer of an event's candidate places (binary features).

    Loaded once from ``data/event_location_model.json`` (:func:`load_location_model`;
    trained by ``scripts/train_event_location.py``), one set of weights per choice: ``any``
    toponym (and unknown proper nouns in a place slot) or only ``resolved`` ones. A
    candidate's score is the sum of its features' weights; the best candidate is the event's
    place when its score beats the choice's threshold, else there is none.
    """

    any: ChoiceWeights
    resolved: ChoiceWeights
    version: str = LOCATION_MODEL_VERSION


def _model_path() -> Path:
    return Path(str(resources.files("communique") / "data" / "event_location_model.json"))


def _choice(raw: Mapping[str, object]) -> ChoiceWeights:
    weights = raw["weights"]
    threshold = raw["threshold"]
    if not isinstance(weights, dict) or not isinstance(threshold, int | float):
        raise TypeError("event-location model: 'weights' must map names to numbers")
    return ChoiceWeights(
        weights=MappingProxyType({str(k): float(v) for k, v in weights.items()}),
        threshold=float(threshold),
    )


def load_location_model(path: Path | None = None) -> LocationModel:
    """Read the event-location model (a few thousand weights; milliseconds)."""
    raw = json.loads((path or _model_path()).read_text(encoding="utf-8"))
    if raw.get("version") != LOCATION_MODEL_VERSION:
        raise ValueError(f"event-location model version {raw.get('version')!r} is not supported")
    return LocationModel(any=_choice(raw["any"]), resolved=_choice(raw["resolved"]))


def _ancestors(tok: Token) -> list[Token]:
    out = [tok]
    while out[-1].head.i != out[-1].i:
        out.append(out[-1].head)
    return out


def _chunk_toponyms(sent: SpacySpan, taken: set[int]) -> list[Toponym]:
    """Proper-noun phrases in a place-like slot that nothing else recognised ("at the Judicial
    Center", "targeting Talat Al-Bureij"): unresolved candidates of the learned choice."""
    doc = sent.doc
    out = []
    for tok in sent:
        if tok.tag_ not in {"NNP", "NNPS"} or tok.dep_ not in _CHUNK_DEPS or tok.i in taken:
            continue
        if tok.ent_type_ in _NOT_PLACES:
            continue
        start = tok.i
        while start > sent.start and start - 1 not in taken and _chunk_part(doc[start - 1]):
            start -= 1
        while start < tok.i and (doc[start].tag_ == "HYPH" or doc[start].is_lower):
            start += 1  # not a leading "-" or "al" of "al-Rashid"; "Al-Rashid" stays whole
        span = doc[start : tok.i + 1]
        label = tok.ent_type_ or "-"
        char = CharSpan(span.start_char, span.end_char)
        out.append(Toponym(span.text, char, span.start, span.end, f"chunk:{label}", None))
        taken.update(range(start, tok.i + 1))
    return out


def _chunk_part(tok: Token) -> bool:
    return tok.tag_ in {"NNP", "NNPS", "HYPH"} or tok.lower_ in _NAME_PARTICLES


def _rule_tiers(
    verb: Token, cands: Sequence[Toponym], preps: frozenset[str]
) -> tuple[dict[int, int], int | None]:
    """Each candidate's best rule tier (by start token) and the rules' own choice."""
    index = _by_token(cands)
    found = [*_own_places(verb, preps, index), *_related_places(verb, preps, index)]
    tiers: dict[int, int] = {}
    for tier, top in found:
        tiers[top.start] = min(tier, tiers.get(top.start, tier))
    if not found:
        return tiers, None
    best = min(found, key=lambda pair: (pair[0], _specificity(pair[1]), pair[1].start))[1]
    return tiers, best.start


def _bucket(n: int) -> str:
    for limit, name in ((1, "1"), (2, "2"), (5, "3-5"), (10, "6-10"), (20, "11-20")):
        if n <= limit:
            return name
    return ">20"


def _path_features(verb: Token, root: Token) -> list[str]:
    """The dependency path from the verb up to the common head and down to the candidate."""
    up_chain = _ancestors(verb)
    position = {t.i: k for k, t in enumerate(up_chain)}
    down_chain = []
    for tok in _ancestors(root):
        if tok.i in position:
            up = position[tok.i]
            break
        down_chain.append(tok)
    else:
        return ["path=none"]
    ups = [f"^{t.dep_}" for t in up_chain[:up]]
    downs = [
        f"v{t.dep_}:{t.lower_}" if t.dep_ == "prep" else f"v{t.dep_}" for t in reversed(down_chain)
    ]
    on_path = [*up_chain[1 : up + 1], *down_chain[1:]]
    clauses = sum(t.dep_ in _PATH_CLAUSES for t in (*up_chain[:up], *down_chain))
    verbs = sum(t.pos_ in {"VERB", "AUX"} for t in on_path if t.i != verb.i)
    out = [
        f"up={min(up, 4)}",
        f"down={min(len(down_chain), 5)}",
        f"clauses={min(clauses, 2)}",
        f"verbs={min(verbs, 2)}",
        f"down_path={'/'.join(downs[:3])}",
    ]
    if up + len(downs) <= 4:
        out.append(f"path={'/'.join(ups)}|{'/'.join(downs)}")
    if up:
        out.append(f"up_path={'/'.join(ups[:2])}")
    return out


def _modifier_features(top: Toponym, root: Token, verb: Token, feature: str) -> list[str]:
    head = root.head
    if root.dep_ not in {"compound", "poss", "nmod", "amod"} or top.start <= head.i < top.end:
        return []
    out = [f"mod={root.dep_}", f"mod|feat={feature}", f"mod_head_ent={head.ent_type_ or '-'}"]
    if head.lemma_.lower() in _PLACE_NOUNS:
        out.append("mod_head=place_noun")
    if head.ent_type_ in _ACTOR_ENTS or (head.dep_.startswith("nsubj") and head.head.i == verb.i):
        out.append("mod_head=actor")
    return out


def _candidate_features(
    verb: Token,
    top: Toponym,
    *,
    tier: int | None,
    chosen: bool,
    count: int,
    relations: Sequence[str],
) -> tuple[str, ...]:
    doc = verb.doc
    root = doc[top.start : top.end].root
    place = top.place
    feature = place.feature if place is not None else "none"
    prep = root.head.lower_ if root.dep_ == "pobj" else "-"
    tier_name = "none" if tier is None else str(tier)
    offset = top.start - verb.i if top.start > verb.i else top.end - 1 - verb.i
    feats = [
        "bias",
        f"tier={tier_name}",
        f"tier={tier_name}|feat={feature}",
        f"src={top.source}",
        f"feat={feature}",
        f"prep={prep}",
        f"prep={prep}|on_verb={root.head.head.i == verb.i}",
        f"prep={prep}|verb={verb.lemma_.lower()}",
        f"prep={prep}|attached_to={root.head.head.lemma_.lower()}",
        f"dep={root.dep_}",
        f"dep={root.dep_}|head={root.head.pos_}",
        f"side={'left' if offset < 0 else 'right'}",
        f"dist={_bucket(abs(offset))}",
        f"n={min(count, 4)}",
        f"len={min(top.end - top.start, 4)}",
        f"verb={verb.lemma_.lower()}",
        f"vtag={verb.tag_}",
        f"vdep={verb.dep_}",
        *_path_features(verb, root),
        *_modifier_features(top, root, verb, feature),
    ]
    if place is not None:
        feats.append(f"pop={min(int(math.log10(place.population + 1)), 7)}")
    else:
        feats.append(f"last={doc[top.end - 1].lower_}")
    if prep == "of":
        feats.append(f"of_head={root.head.head.lemma_.lower() in _PLACE_NOUNS}")
    if chosen:
        feats.append("rule_choice")
    feats.extend(relations)
    if top.start == verb.sent.start:
        feats.append("sent_initial")
    return tuple("".join(name.split()) for name in feats)  # no whitespace in a name


def event_candidates(
    verb: Token,
    places: Sequence[Toponym],
    *,
    preps: frozenset[str] = frozenset(),
    resolved: bool = True,
) -> list[tuple[Toponym, tuple[str, ...]]]:
    """The candidate places of ``verb``'s event, each with the learned model's features.

    Candidates are the toponyms of the verb's sentence (with ``resolved``: only those the
    gazetteer resolved), plus (without it) proper-noun phrases after a locative preposition.
    """
    sent = verb.sent
    allowed = _EVENT_PREPS | preps
    cands = [
        t
        for t in places
        if sent.start <= t.start and t.end <= sent.end and (t.place is not None or not resolved)
    ]
    if not resolved:
        taken = {i for t in cands for i in range(t.start, t.end)}
        cands = sorted([*cands, *_chunk_toponyms(sent, taken)], key=lambda t: t.start)
    if not cands:
        return []
    tiers, chosen = _rule_tiers(verb, cands, allowed)
    relations = _relations(verb, cands)
    return [
        (
            top,
            _candidate_features(
                verb,
                top,
                tier=tiers.get(top.start),
                chosen=top.start == chosen,
                count=len(cands),
                relations=related,
            ),
        )
        for top, related in zip(cands, relations, strict=True)
    ]


def _relations(verb: Token, cands: Sequence[Toponym]) -> list[list[str]]:
    """Features of each candidate against the others: the nearest to the verb in the parse."""
    lengths = [_path_length(verb, _root_of(t, verb)) for t in cands]
    return [["nearest"] if length == min(lengths) else [] for length in lengths]


def _root_of(top: Toponym, verb: Token) -> Token:
    return verb.doc[top.start : top.end].root


def _path_length(verb: Token, root: Token) -> int:
    up_chain = _ancestors(verb)
    position = {t.i: k for k, t in enumerate(up_chain)}
    for down, tok in enumerate(_ancestors(root)):
        if tok.i in position:
            return position[tok.i] + down
    return 99


def _learned_toponym(
    verb: Token,
    places: Sequence[Toponym],
    model: LocationModel,
    *,
    preps: frozenset[str],
    resolved: bool,
) -> Toponym | None:
    choice = model.resolved if resolved else model.any
    scored = [
        (choice.score(feats), -top.start, top)
        for top, feats in event_candidates(verb, places, preps=preps, resolved=resolved)
    ]
    if not scored:
        return None
    score, _, best = max(scored, key=lambda item: item[:2])
    return best if score > choice.threshold else None


def event_toponym(
    verb: Token,
    places: Sequence[Toponym],
    *,
    preps: frozenset[str] = frozenset(),
    resolved: bool = True,
    model: LocationModel | None = None,
) -> Toponym | None:
    """The toponym the event of ``verb`` happened in ("met ... in Johannesburg").

    With a ``model`` the learned choice (:class:`LocationModel`) is made; without one, the
    rules below.

    Candidates come in tiers (attached to the verb or its object; elsewhere in its clause;
    in the clause it depends on); within the first tier that has any, the most specific place
    wins (a city over its province over its country), then the first in the text.
    ``preps`` are added to communique's own location prepositions; ``resolved``: only
    toponyms the gazetteer resolved (those that can give coordinates).
    """
    if model is not None:
        return _learned_toponym(verb, places, model, preps=preps, resolved=resolved)
    index = _by_token([t for t in places if t.place is not None or not resolved])
    if not index:
        return None
    allowed = _EVENT_PREPS | preps
    found = [*_own_places(verb, allowed, index), *_related_places(verb, allowed, index)]
    if not found:
        return None
    return min(found, key=lambda pair: (pair[0], _specificity(pair[1]), pair[1].start))[1]


def event_location(
    verb: Token,
    places: Sequence[Toponym],
    *,
    preps: frozenset[str] = frozenset(),
    model: LocationModel | None = None,
) -> Location | None:
    """The resolved place of the event's verb or clause, as a :class:`Location` (the learned
    choice with a ``model``, else the rules)."""
    chosen = event_toponym(verb, places, preps=preps, model=model)
    if chosen is None or chosen.place is None:
        return None
    return to_location(chosen.place, chosen.span)
