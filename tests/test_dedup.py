"""Near-duplicate articles: syndicated wire copies are linked to the first one seen."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from communique.cli import app, dedup_index_path
from communique.dedup import DedupConfig, NearDuplicateIndex, shingles
from communique.extract import extract_article
from communique.model import Document

STORY = """\
Kenyan police fired tear gas at hundreds of protesters in central Nairobi on Tuesday as
demonstrations against a proposed finance bill entered a second week, witnesses said.

The protesters, most of them young, marched towards parliament chanting slogans against
President William Ruto and blocking traffic on several main roads of the capital.

Police spokesman Resila Onyango said officers had arrested more than 40 people suspected
of looting shops and damaging property, and urged organisers to keep the marches peaceful.

The Kenya Human Rights Commission accused the security forces of using excessive force and
called for an independent investigation into the deaths of two demonstrators last week.

The finance bill would raise taxes on bread, cooking oil and mobile money transfers, which
critics say would hurt poor households already struggling with the rising cost of living.

Ruto has defended the measures as necessary to reduce the country's heavy debt burden and
said on Monday that his government was ready to hold talks with the protest leaders.
"""

WIRE_A = f"""\
Home | World | Africa | Business | Sport
Share on Facebook  Share on Twitter  Email
Kenyan police fire tear gas at Nairobi protesters
By Associated Press | Published 25 June 2024
{STORY}
Related: Uganda opposition leader arrested ahead of rally
12 Comments
(c) 2024 Daily Courier. All rights reserved.
"""

WIRE_B = f"""\
THE EVENING STANDARD
News > Africa
Police fire tear gas as Kenya finance bill protests enter second week
NAIROBI, Kenya (AP) -
{STORY.replace("witnesses said", "according to witnesses")}
Sign up for our newsletter
Follow us on Instagram
Copyright 2024 The Associated Press. All rights reserved.
"""

OTHER = """\
Home | World | Asia
Japan and South Korea agree to resume defence talks
By Staff Reporter | Published 25 June 2024
Japan and South Korea agreed on Monday to resume regular talks between their defence
ministries after a pause of several years, officials in Tokyo said.

The two countries will also share more information on North Korean missile launches and
hold joint search and rescue drills later this year, the statement added.

The agreement follows a summit in Seoul last month at which both leaders promised to put
disputes over wartime history behind them and deepen cooperation on security.
"""


def _body(doc_id: str, text: str) -> str:
    return extract_article(Document(doc_id=doc_id, content=text, kind="text")).body


def test_wire_copies_with_different_boilerplate_are_linked() -> None:
    index = NearDuplicateIndex()
    assert index.add("courier", _body("courier", WIRE_A)) is None
    assert index.add("standard", _body("standard", WIRE_B)) == "courier"
    assert index.add("tokyo", _body("tokyo", OTHER)) is None
    assert index.add("standard", "anything") == "courier"  # a doc_id added again: same answer
    assert index.canonical_of("courier") is None and len(index) == 3


def test_a_copy_of_a_copy_points_to_the_first_article() -> None:
    index = NearDuplicateIndex()
    index.add("first", STORY)
    index.add("second", STORY + " Reporting by Tom Odula.")
    assert index.add("third", STORY.replace("Tuesday", "Wednesday")) == "first"


def test_threshold_is_configurable() -> None:
    edited = STORY.replace("protesters", "demonstrators").replace("police", "officers")
    strict = NearDuplicateIndex(DedupConfig(threshold=0.95))
    strict.add("a", STORY)
    assert strict.add("b", edited) is None
    loose = NearDuplicateIndex(DedupConfig(threshold=0.5))
    loose.add("a", STORY)
    assert loose.add("b", edited) == "a"


def test_signatures_are_deterministic_and_reload(tmp_path: Path) -> None:
    index = NearDuplicateIndex()
    signature = index.signature(STORY)
    assert signature == NearDuplicateIndex().signature(STORY)
    assert signature is not None and len(signature) == 128
    assert all(isinstance(v, int) for v in signature)
    assert index.signature("  ... ") is None and index.add("empty", "") is None
    index.add("courier", STORY)
    index.add_signature("standard", signature)
    index.save(tmp_path / "index.jsonl")
    reloaded = NearDuplicateIndex.load(tmp_path / "index.jsonl")
    assert reloaded.canonical_of("standard") == "courier"
    assert reloaded.add("third", STORY) == "courier"
    (tmp_path / "bad.jsonl").write_text("not json\n")
    with pytest.raises(ValueError, match="not a near-duplicate index"):
        NearDuplicateIndex.load(tmp_path / "bad.jsonl")


def test_shingles() -> None:
    assert shingles("One, two three FOUR five", size=4) == {
        "one two three four",
        "two three four five",
    }
    assert shingles("Too short", size=4) == {"too short"}
    assert shingles("", size=4) == set()


def test_ingest_links_wire_copies_in_the_store(tmp_path: Path) -> None:
    for name, text in (("a_courier.txt", WIRE_A), ("b_standard.txt", WIRE_B), ("c.txt", OTHER)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    db = tmp_path / "s.duckdb"
    runner = CliRunner()
    paths = [str(tmp_path / n) for n in ("a_courier.txt", "b_standard.txt")]
    first = runner.invoke(app, ["ingest", *paths, "--db", str(db), "--quiet", "--no-cache"])
    assert first.exit_code == 0, first.stderr
    assert dedup_index_path(db).is_file()
    third = str(tmp_path / "c.txt")
    later = runner.invoke(app, ["ingest", third, "--db", str(db), "--quiet", "--no-cache"])
    assert later.exit_code == 0, later.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT doc_id, duplicate_of FROM articles ORDER BY doc_id").fetchall()
    assert rows == [(paths[0], None), (paths[1], paths[0]), (third, None)]
