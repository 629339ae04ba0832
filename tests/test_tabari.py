"""The TABARI/PETRARCH readers (communique.tabari): exact records, and bad lines named by line."""

from __future__ import annotations

import importlib.util
import sys
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest

from communique.dictionaries import ActorEntry, DictionaryError, Role
from communique.tabari import (
    parse_tabari_actors,
    parse_tabari_agents,
    parse_tabari_verbs,
    pre_marker,
    read_tabari_actors,
    read_tabari_agents,
    read_tabari_verbs,
    target_marker,
)
from tests.conftest import REPO

SHARED = REPO.parent / "shared"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _error(path: Path, *, reader: object) -> DictionaryError:
    with pytest.raises(DictionaryError) as caught:
        reader(path)  # type: ignore[operator]
    return caught.value


# --------------------------------------------------------------------------- actors

ACTORS = """\
<!-- a PETRARCH-style actor file -->
<!--
# a comment over
# several lines -->
GONDOR [GON]
+MINAS_TIRITH
+ANORIEN

SAM_GAMGEE [HOB]  # default
\t[HOBCIV <20080120]
\t[ORCHOB 20100109-20100112] # the later start wins
\t[HOBMIL 20080120-20121109]
\t[HOBELI >130119]

BORIS_YELTSIN_
PRESIDENT_BORIS_YELTSIN
\t[RUSGOV 910710-991231]
THE_SHIRE  [FRO/BIL/SAM]
ISILDUR [+++]
"""


def test_actor_file_records(tmp_path: Path) -> None:
    path = _write(tmp_path, "fellowship.actors.txt", ACTORS)
    gondor, sam, boris, shire, isildur = read_tabari_actors(path)
    assert gondor == ActorEntry(
        "GONDOR",
        "country",
        ("gondor", "minas tirith", "anorien"),
        (Role("GON", None, None),),
        "fellowship.actors.txt",
    )
    assert (sam.id, sam.kind, sam.names) == ("SAM_GAMGEE", "person", ("sam gamgee",))
    assert sam.roles == (
        Role("HOB", None, None),
        Role("HOBCIV", None, date(2008, 1, 20)),
        Role("ORCHOB", date(2010, 1, 9), date(2010, 1, 12)),
        Role("HOBMIL", date(2008, 1, 20), date(2012, 11, 9)),
        Role("HOBELI", date(2013, 1, 19), None),  # YYMMDD: 13 -> 2013
    )
    assert sam.code_on(date(2010, 1, 10)) == "ORCHOB"
    assert sam.code_on(date(2011, 5, 5)) == "HOBMIL"
    assert sam.code_on(date(2007, 1, 1)) == "HOBCIV"
    assert sam.code_on(date(2014, 1, 1)) == "HOBELI"
    assert boris.names == ("boris yeltsin", "president boris yeltsin")  # codeless lines share
    assert boris.code_on(date(1995, 1, 1)) == "RUSGOV"
    assert (shire.code_on(None), isildur.roles) == ("FRO", ())
    assert shire.roles == (Role("FRO", None, None, also=("BIL", "SAM")),)


def test_hyphenated_names_also_split(tmp_path: Path) -> None:
    """ "Barad-dur" is parsed as words: the name is also known without its hyphen."""
    path = _write(tmp_path, "a.txt", "MORDOR [MOR]\n+BARAD-DUR\n")
    [entry] = read_tabari_actors(path)
    assert entry.names == ("mordor", "barad-dur", "barad dur")


def test_actor_notes(tmp_path: Path) -> None:
    parsed = parse_tabari_actors(_write(tmp_path, "a.txt", ACTORS))
    warnings = [(n.line, n.detail) for n in parsed.notes if n.severity == "warning"]
    assert warnings == [
        (19, "[+++]: '+++' is not a code"),
    ]
    merged, several = [n for n in parsed.notes if n.severity == "info"]
    assert merged.line == 16
    assert (several.line, several.detail) == (
        18, "[FRO/BIL/SAM]: several codes; FRO is the actor's, the others code its events",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("GONDOR [GON]\n\t[GONGOV 19950101-19941231]\n", 2, "start > end"),
        ("GONDOR [GON]\n\n\t[GONGOV 1995-01]\nROHAN [ROH]\n", 3, "unreadable date"),
        ("\t[GON]\nGONDOR\n", 1, "before any actor"),
        ("+MINAS_TIRITH\n", 1, "before any actor"),
        ("GONDOR [GON\nROHAN [ROH]\n", 1, "unbalanced"),
        ("ROHAN [ROH]\n<!-- never closed\nGONDOR [GON]\n", 2, "never closed"),
        ("ROHAN [ROH]\n+ \ufffd\n", 2, "not a usable name"),
    ],
)
def test_bad_actor_lines_name_their_line(tmp_path: Path, text: str, line: int, reason: str) -> None:
    path = _write(tmp_path, "bad.txt", text)
    error = _error(path, reader=read_tabari_actors)
    assert (error.path, error.line) == (str(path), line)
    assert reason in str(error) and str(error).startswith(f"{path}:{line}: ")


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("ROHAN [ROH]\nC\xf4TE [CIV]\n".encode("latin-1"))
    assert _error(path, reader=read_tabari_actors).line == 2


def test_lenient_reading_skips_the_line_and_goes_on(tmp_path: Path) -> None:
    text = "GONDOR [GON]\n\t[GONGOV 19950101-19941231]\nROHAN [ROH]\n"
    parsed = parse_tabari_actors(_write(tmp_path, "a.txt", text), strict=False)
    assert [a.primary for a in parsed.actors] == ["GONDOR", "ROHAN"]
    (note,) = parsed.notes
    assert (note.line, note.severity, note.kind) == (
        2,
        "error",
        "actor role whose start is after its end",
    )


# --------------------------------------------------------------------------- agents

AGENTS = """\
<!-- agents -->
!PERSON! = MAN, MEN, WOMAN
CONGRESS!PERSON! [~LEG]
POLICE {} [ ~COP]
ATTORNEY_GENERAL {ATTORNEYS_GENERAL} [~GOV]
HUMAN_RIGHTS_BODY  [NGO~]
SECRETARY_OF_STATE [~GOVFRM]  # plural of the head noun
"""


def test_agent_file(tmp_path: Path) -> None:
    phrases = read_tabari_agents(_write(tmp_path, "a.agents.txt", AGENTS))
    assert phrases == {
        "congressman": "LEG",
        "congressmen": "LEG",
        "congresswoman": "LEG",
        "police": "COP",
        "attorney general": "GOV",
        "attorneys general": "GOV",
        "human rights body": "NGO",
        "human rights bodies": "NGO",
        "secretary of state": "GOVFRM",
        "secretaries of state": "GOVFRM",
    }


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("POLICE [~COP]\nSOLDIER\n", 2, "no '[CODE]'"),
        ("POLICE [~COP]\n!MINIST!_OF_MAGIC [~GOV]\n", 2, "!MARKER!"),
        ("POLICE [~COP}\n", 1, "unbalanced"),
        ("!PERSON = MAN, MEN\n", 1, "substitution marker"),
    ],
)
def test_bad_agent_lines(tmp_path: Path, text: str, line: int, reason: str) -> None:
    error = _error(_write(tmp_path, "bad.agents.txt", text), reader=read_tabari_agents)
    assert error.line == line and reason in str(error)


def test_agents_lenient_reading_counts_and_goes_on(tmp_path: Path) -> None:
    parsed = parse_tabari_agents(
        _write(tmp_path, "a.txt", "SOLDIER\nPOLICE [~COP]\n"), strict=False
    )
    assert [a.words for a in parsed.agents] == [("police",)]
    assert [(n.line, n.severity) for n in parsed.notes] == [(1, "error")]


# --------------------------------------------------------------------------- verbs

VERBS = """\
<!-- verbs -->
&TIETYPES
+MILITARY
+ECONOMIC

&ACCORDSYN_  # embedded synset, no plurals
+&TIETYPES
+CLOSER

&GENINT
+GENEVA

--- RESTORE  [064]  ---
RESTORE    # pas
+BREAK_DOWN {+BREAKS_DOWN +BROKE_DOWN }
WIRE_+TAP [1711]
- * DIPLOMATIC  [064:065]  # a comment
- * FXLL  [###]
- * &TIETYPES TIES [0311]
- INCHING &ACCORDSYN *  [083]
- * DEMAND_&GENINT_CONVENTIONS  [111]
- * NOTHING [---]

--- LASH OUT [122] ---
LASH_OUT
~ a (a b ATTACK) SAY = a b 015
"""


def test_verb_file(tmp_path: Path) -> None:
    parsed = read_tabari_verbs(_write(tmp_path, "v.txt", VERBS))
    restore, lash = parsed.blocks
    assert (restore.name, restore.code, restore.line) == ("RESTORE", "064", 13)
    assert [(v.entry.lemma, v.entry.words, v.entry.forms, v.entry.code) for v in restore.verbs] == [
        ("restore", ("restore",), (), "064"),
        ("break", ("break", "down"), ("breaks down", "broke down"), "064"),
        ("tap", ("tap",), (), "1711"),
    ]
    kinds = ("military", "militaries", "economic", "economics")
    patterns = {
        p.pattern.id: (p.line, p.code_raw, p.pattern.pre, p.pattern.post) for p in restore.patterns
    }
    assert patterns == {
        "RESTORE:1": (17, "064:065", (), (("diplomatic",),)),
        "RESTORE:3": (19, "0311", (), (kinds, ("ties",))),
        "RESTORE:4": (20, "083", (("inching",), (*kinds, "closer")), ()),
        # "_" joins: one slot of consecutive words
        "RESTORE:5": (
            21,
            "111",
            (),
            (("demand geneva conventions", "demand genevas conventions"),),
        ),
    }
    assert [p.pattern.reverse for p in restore.patterns] == ["065", None, None, None]  # [064:065]
    assert restore.patterns[0].pattern.comment == "a comment"
    assert (lash.name, lash.code, [v.entry.words for v in lash.verbs]) == (
        "LASH_OUT",
        "122",
        [("lash", "out")],
    )
    dictionary = parsed.dictionary()
    assert [e.block for e in dictionary.verbs_by_lemma["lash"]] == ["LASH_OUT"]
    assert len(dictionary.patterns_by_block["RESTORE"]) == 4
    notes = {(n.line, n.severity) for n in parsed.notes}
    assert notes == {(16, "warning"), (18, "warning"), (22, "info"), (26, "warning")}


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("RESTORE\n--- RESTORE [064] ---\n", 1, "before the first"),
        ("--- RESTORE [064] ---\nRESTORE\n- DIPLOMATIC [064]\n", 3, "without the verb '*'"),
        ("--- RESTORE [064] ---\nRESTORE\n- * TIES\n", 3, "without '[code]'"),
        ("--- RESTORE [064] ---\nRESTORE\n- * &NOWHERE [064]\n", 3, "undefined synset"),
        ("--- RESTORE [064] ---\nRESTORE\n- * TIES [064\n", 3, "unbalanced"),
        ("&A\n+&B\n--- RESTORE [064] ---\nRESTORE\n", 1, "not defined above"),
    ],
)
def test_bad_verb_lines(tmp_path: Path, text: str, line: int, reason: str) -> None:
    error = _error(_write(tmp_path, "bad.verbs.txt", text), reader=read_tabari_verbs)
    assert error.line == line and reason in str(error)


def test_verbs_lenient_reading_counts_and_goes_on(tmp_path: Path) -> None:
    text = "--- A [010] ---\nSAY\n- * &NOWHERE [064]\n- * TIES [020]\n"
    parsed = parse_tabari_verbs(_write(tmp_path, "v.txt", text), strict=False)
    (block,) = parsed.blocks
    assert [p.pattern.id for p in block.patterns] == ["A:2"]  # ids count the skipped line
    assert [(n.line, n.kind) for n in parsed.notes] == [
        (3, "verb pattern using an undefined synset")
    ]


# --------------------------------------------------------------------------- the packaged build


def _build_data() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_data", REPO / "scripts" / "build_data.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


@pytest.mark.skipif(not (SHARED / "data" / "dictionaries").is_dir(), reason="../shared absent")
def test_build_reproduces_the_packaged_files(tmp_path: Path) -> None:
    _build_data().build_all(SHARED, tmp_path)
    data = REPO / "src" / "communique" / "data"
    for name in ("verbs.jsonl", "actors.jsonl", "agents.jsonl", "README.md"):
        assert (tmp_path / name).read_bytes() == (data / name).read_bytes(), name


@pytest.mark.parametrize(
    ("post", "marker"),
    [
        (" EID AT ^ WITH + ", ("with", 0)),
        (" AT ^ + ", ("at", 1)),
        (" + ", ("", 0)),
        (" TIES ", None),
    ],
)
def test_target_marker(post: str, marker: tuple[str, int] | None) -> None:
    assert target_marker(post) == marker


def test_source_and_pre_verb_target_markers() -> None:
    """ "+ HOSTING * TABASKI ^ $": the source after "tabaski" (one phrase skipped), the target
    the actor before "hosting"; "+ * FROM $": the target before the verb itself."""
    assert target_marker(" TABASKI ^ $ ", symbol="$") == ("tabaski", 1)
    assert target_marker(" FROM $ ", symbol="$") == ("from", 0)
    assert (pre_marker(" + HOSTING "), pre_marker(" + "), pre_marker(" SAID ")) == (
        "hosting",
        "",
        None,
    )
