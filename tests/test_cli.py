"""The CLI contract, run in-process with Typer's runner (and once as a real process)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from communique.cli import app
from tests.conftest import REPO, SEED

EVENT_KEYS = {
    "doc_id", "sentence", "cameo", "cameo_name", "goldstein", "quad_class", "plover_type",
    "plover_mode", "source", "target", "date", "location", "confidence", "offsets",
}  # fmt: skip


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def _lines(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_code_seed_jsonl(runner: CliRunner) -> None:
    result = runner.invoke(app, ["code", str(SEED)])
    assert result.exit_code == 0, result.stderr
    events = _lines(result.stdout)
    assert all(set(e) >= EVENT_KEYS for e in events)
    meeting = next(e for e in events if e["cameo"] == "044")
    assert meeting["doc_id"] == str(SEED)
    assert meeting["source"] == {
        "text": "Wang Yi", "country": "CHN", "agent": "GOV", "code": "CHNGOV",
        "entity_id": None, "name": "Wang Yi",
    }  # fmt: skip
    assert meeting["date"] == "2023-07-24"
    assert meeting["location"]["name"] == "Johannesburg"  # type: ignore[index]
    assert meeting["offsets"]["verb"][1] - meeting["offsets"]["verb"][0] == 3  # type: ignore[index]


def test_code_reports_bad_inputs_and_goes_on(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("Syria accused Turkey of violating its sovereignty.\n")
    (tmp_path / "notes.xyz").write_text("hello")
    (tmp_path / "empty.txt").write_text("   \n")
    args = ["code", str(tmp_path), str(tmp_path / "notes.xyz"), "--published", "2024-01-02"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    [event] = _lines(result.stdout)
    assert (event["cameo"], event["date"]) == ("112", "2024-01-02")
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 2  # files of other types inside a directory are skipped silently
    assert any("empty.txt" in line for line in errors)
    assert any("notes.xyz" in line and "unsupported" in line for line in errors)


def test_code_exits_non_zero_when_nothing_processed(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    result = runner.invoke(app, ["code", str(tmp_path / "empty.txt")])
    assert result.exit_code == 1
    assert "empty.txt" in result.stderr


def test_bad_options(runner: CliRunner) -> None:
    assert runner.invoke(app, ["code", str(SEED), "--format", "xml"]).exit_code == 2
    assert runner.invoke(app, ["code", str(SEED), "--published", "July"]).exit_code == 2


def test_code_json_and_table(runner: CliRunner) -> None:
    as_json = runner.invoke(app, ["code", str(SEED), "--format", "json"])
    events = json.loads(as_json.stdout)
    assert events[0]["cameo"] == "044"
    table = runner.invoke(app, ["code", str(SEED), "--format", "table"])
    assert table.exit_code == 0
    assert "044" in table.stdout and "Johannesburg, ZAF" in table.stdout


def test_extract(runner: CliRunner) -> None:
    result = runner.invoke(app, ["extract", str(SEED)])
    [article] = _lines(result.stdout)
    assert set(article) == {
        "doc_id", "title", "published", "section", "caption", "author", "language", "url", "text",
    }  # fmt: skip
    assert (article["title"], article["published"], article["section"]) == (
        "China and Iran Pledge to Deepen Cooperation",
        "2023-07-24",
        "World",
    )


def test_ingest_then_events(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "c.duckdb"
    first = runner.invoke(app, ["ingest", str(SEED), "--db", str(db), "--quiet"])
    assert first.exit_code == 0, first.stderr
    again = runner.invoke(app, ["ingest", str(SEED), "--db", str(db), "--quiet"])
    assert "stored 0 new or changed articles" in again.stderr
    listed = runner.invoke(
        app, ["events", "--db", str(db), "--source", "CHN", "--target", "IRN", "--format", "json"]
    )
    rows = _lines(listed.stdout)
    codes = sorted({str(r["cameo"]) for r in rows})
    assert codes == ["032", "044", "110"]
    assert all(r["source"]["country"] == "CHN" for r in rows)  # type: ignore[index]
    [meeting] = [r for r in rows if r["cameo"] == "044"]
    place = meeting["location"]
    assert isinstance(place, dict)
    assert (place["name"], place["admin1"], place["feature_class"], place["precision"]) == (
        "Johannesburg",
        "Gauteng",
        "P",
        "city",
    )
    as_csv = runner.invoke(app, ["events", "--db", str(db), "--cameo", "04", "--format", "csv"])
    [row] = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert (row["cameo"], row["location_name"], row["event_date"]) == (
        "044",
        "Johannesburg",
        "2023-07-24",
    )
    assert (row["location_admin1"], row["location_feature_class"]) == ("Gauteng", "P")


def test_events_without_store(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["events", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1
    assert "no such store" in result.stderr


def test_actors_resolve(runner: CliRunner) -> None:
    police = runner.invoke(app, ["actors", "resolve", "Kenyan police"])
    assert json.loads(police.stdout)["code"] == "KENCOP"
    old = runner.invoke(app, ["actors", "resolve", "Abdelaziz Bouteflika", "--date", "1980-01-01"])
    assert json.loads(old.stdout)["code"] == "DZAELI"
    new = runner.invoke(app, ["actors", "resolve", "Abdelaziz Bouteflika", "--date", "2005-01-01"])
    assert json.loads(new.stdout)["code"] == "DZAGOV"
    missing = runner.invoke(app, ["actors", "resolve", "the weather"])
    assert missing.exit_code == 1


def test_stdin_as_a_real_process() -> None:
    exe = Path(sys.executable).parent / "communique"
    proc = subprocess.run(
        [str(exe), "code", "-", "--published", "2024-05-10"],
        input="Russian forces shelled Kharkiv on Tuesday.",
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    [event] = _lines(proc.stdout)
    assert (event["doc_id"], event["cameo"], event["date"]) == ("-", "190", "2024-05-07")


# --- dictionaries users bring (--actors, --agents, --verbs) and actors resolve --jsonl ---

USER_ACTORS_YAML = """\
- names: [Zorgland, Zorglandia]
  code: ZRG
  kind: country
- name: Ada Quill
  code: ZRGGOV
  start: 2020-01-01
  end: 2022-12-31
- name: Ada Quill
  code: ZRGOPP
  start: 2023-01-01
- name: Kenya
  code: ZRG
"""
USER_ACTORS_TABARI = """\
<!-- a TABARI actor file -->
GRIMBOLD_THE_TALL [QRX] # default
\t[QRXGOV 20100101-20141231]
\t[QRXREB >20150101]
+GRIMBOLD
"""
USER_VERBS = """\
&THINGS
+SCROLL
+LEDGER

--- SCRIBBLE [---] ---
SCRIBBLE
- * &THINGS [0311]
- * ZEBRA [903]
"""


@pytest.fixture
def user_files(tmp_path: Path) -> dict[str, Path]:
    texts = {
        "actors.yaml": USER_ACTORS_YAML,
        "roles.txt": USER_ACTORS_TABARI,
        "agents.csv": "phrase,code\nborder warden,MIL\n",
        "verbs.txt": USER_VERBS,
    }
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return {name: tmp_path / name for name in texts}


def test_code_with_user_dictionaries(runner: CliRunner, user_files: dict[str, Path]) -> None:
    doc = user_files["verbs.txt"].parent / "doc.txt"
    doc.write_text(
        "Ada Quill scribbled a ledger for Grimbold on Monday.\n\n"
        "Border wardens from Zorgland condemned Tanzania.\n\n"
        "Ada Quill scribbled a zebra for Grimbold on Tuesday.\n"
    )
    files = ["--actors", str(user_files["actors.yaml"]), "--actors", str(user_files["roles.txt"])]
    files += ["--agents", str(user_files["agents.csv"]), "--verbs", str(user_files["verbs.txt"])]
    result = runner.invoke(app, ["code", str(doc), "--published", "2021-05-05", *files])
    assert result.exit_code == 0, result.stderr
    rows = [
        (e["source"]["code"], e["target"]["code"], e["cameo"], e["rule"])  # type: ignore[index]
        for e in _lines(result.stdout)
    ]
    assert rows == [
        ("ZRGGOV", "QRXREB", "0311", "pattern verbs.txt:7"),  # Ada Quill in 2021; Grimbold
        ("ZRGMIL", "TZA", "111", "verb BLAME:condemn"),  # "border wardens" from agents.csv
        ("ZRGGOV", "QRXREB", "903", "pattern verbs.txt:8"),  # the user's own (WEIS) code
    ]
    user_code = _lines(result.stdout)[-1]
    assert (user_code["cameo_name"], user_code["goldstein"], user_code["quad_class"]) == (
        "user code", None, None,
    )  # fmt: skip
    warning = f"warning: {user_files['verbs.txt']}:8: pattern code 903 is not a CAMEO code;"
    assert warning in result.stderr


def test_bad_user_dictionary_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("ZORGLAND [ZRG]\n\t[ZRGGOV 2020-01-01-2021]\n")
    result = runner.invoke(app, ["code", "-", "--actors", str(bad)], input="Zorgland.")
    assert result.exit_code == 2
    assert f"error: {bad}:2: role [ZRGGOV 2020-01-01-2021] of ZORGLAND" in result.stderr
    neither = runner.invoke(app, ["actors", "resolve"])
    assert neither.exit_code == 2


def test_actors_resolve_jsonl(runner: CliRunner, user_files: dict[str, Path]) -> None:
    requests = [
        {"text": "Zorglandia"},
        {"text": "Ada Quill", "date": "2021-06-01"},
        {"text": "Ada Quill"},  # --date 2024-06-01
        {"text": "Grimbold", "date": "2012-03-03"},
        {"text": "Kenya"},
        {"text": "Quill", "context": "Ada Quill spoke. Quill said she would resign."},
        {"text": "Kenyan police"},
        {"text": "the weather"},
    ]
    lines = [json.dumps(r) for r in requests] + ["not json", ""]
    args = ["actors", "resolve", "--jsonl", "-", "--date", "2024-06-01"]
    args += ["--actors", str(user_files["actors.yaml"]), "--actors", str(user_files["roles.txt"])]
    result = runner.invoke(app, args, input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.stderr
    rows = [(r["text"], r["code"], r["entity"]) for r in _lines(result.stdout)]
    assert rows == [
        ("Zorglandia", "ZRG", None),
        ("Ada Quill", "ZRGGOV", "ADA_QUILL"),
        ("Ada Quill", "ZRGOPP", "ADA_QUILL"),
        ("Grimbold", "QRXGOV", "GRIMBOLD_THE_TALL"),
        ("Kenya", "ZRG", None),  # the user's entry overrides the packaged country
        ("Quill", "ZRGOPP", "ADA_QUILL"),  # linked back to "Ada Quill" in the context
        ("Kenyan police", "KENCOP", None),  # the adjective is not overridden
        ("the weather", None, None),
        (None, None, None),
    ]
    assert set(_lines(result.stdout)[0]) == {"text", "country", "agent", "code", "entity"}
    assert "error: <stdin>:9: not JSON" in result.stderr


def test_actors_resolve_jsonl_sentence_country(runner: CliRunner) -> None:
    """With a context: a country the text lacks comes from the sentence; a city as a place is
    its people."""
    requests = [
        {"text": "Judge Maria Lopez", "context": "Judge Maria Lopez charged Peruvian officials."},
        {"text": "Abidjan", "context": "Troops imposed a curfew in Abidjan."},
    ]
    lines = "\n".join(json.dumps(r) for r in requests) + "\n"
    result = runner.invoke(app, ["actors", "resolve", "--jsonl", "-"], input=lines)
    assert result.exit_code == 0, result.stderr
    rows = [(r["text"], r["country"], r["agent"], r["code"]) for r in _lines(result.stdout)]
    assert rows == [
        ("Judge Maria Lopez", "PER", "JUD", "PERJUD"),
        ("Abidjan", "CIV", "CVL", "CIVCVL"),
    ]


def test_places_prints_every_toponym(runner: CliRunner, tmp_path: Path) -> None:
    text = "Chinese envoys met in Paris, Texas, then flew to Kiev.\n"
    (tmp_path / "trip.txt").write_text(text)
    result = runner.invoke(app, ["places", str(tmp_path / "trip.txt"), "--format", "jsonl"])
    assert result.exit_code == 0, result.stderr
    rows = _lines(result.stdout)
    assert [r["text"] for r in rows] == ["Paris", "Texas", "Kiev"]  # "Chinese" is an actor
    paris, texas, kiev = rows
    assert set(paris) == {
        "doc_id", "text", "start", "end", "source", "name", "geonameid", "feature_class",
        "admin1", "country", "lat", "lon", "precision",
    }  # fmt: skip
    assert (paris["country"], paris["admin1"], paris["precision"]) == ("USA", "Texas", "city")
    assert (texas["precision"], texas["feature_class"]) == ("admin1", "A")
    assert (kiev["name"], kiev["geonameid"], kiev["country"]) == ("Kyiv", 703448, "UKR")
    assert paris["doc_id"] == str(tmp_path / "trip.txt")
    assert runner.invoke(app, ["places", str(tmp_path / "trip.txt"), "--format", "xml"]).exit_code


@pytest.mark.parametrize(
    ("command", "default"),
    [
        ("ingest", "(default: all cores)"),
        ("code", "(default: ~/.cache/communique/http)"),
        ("spark", "(default: one per input file, at most 4 per core)"),
    ],
)
def test_help_shows_defaults(runner: CliRunner, command: str, default: str) -> None:
    """Help texts keep their defaults (square brackets would be read as rich markup)."""
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "300"})
    assert result.exit_code == 0
    assert default in " ".join(result.stdout.split())
