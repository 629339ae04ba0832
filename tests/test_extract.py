"""Article extraction: the seed, synthetic text dumps, the HTML sample, the HTML fallback."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from communique.extract import (
    BoilerplateRules,
    clean_text,
    detect_language,
    extract_article,
    load_rules,
)
from communique.model import Article, Document

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@pytest.fixture(scope="module")
def rules() -> BoilerplateRules:
    return load_rules()


def _text_article(content: str, rules: BoilerplateRules, **fields: object) -> Article:
    doc = Document(doc_id="t", content=content, kind="text", **fields)  # type: ignore[arg-type]
    return extract_article(doc, rules=rules)


# --- the seed ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed(rules: BoilerplateRules) -> Article:
    content = (SAMPLES / "000_china_iran.txt").read_text(encoding="utf-8")
    doc = Document(doc_id="samples/000_china_iran.txt", content=content, kind="text")
    return extract_article(doc, rules=rules)


def test_seed_metadata(seed: Article) -> None:
    assert seed.title == "China and Iran Pledge to Deepen Cooperation"
    assert seed.published == date(2023, 7, 24)
    assert seed.section == "World"
    assert seed.language == "en"
    assert seed.author is None
    assert seed.doc_id == "samples/000_china_iran.txt"


def test_seed_caption_kept_apart(seed: Article) -> None:
    assert seed.caption is not None
    assert "China is willing to help Iran" in seed.caption
    assert seed.caption.endswith("| Photo: Twitter/@sufei0826")
    assert "sufei0826" not in seed.body
    assert "China is willing to help Iran improve people's livelihood" not in seed.body


def test_seed_body(seed: Article) -> None:
    assert seed.body.startswith("The two countries look forward")
    assert seed.body.endswith("regional peace.")
    assert len(seed.body.split("\n\n")) == 7
    assert seed.text[seed.body_start :] == seed.body
    assert seed.text == f"{seed.title}\n\n{seed.body}"
    assert seed.body_start == len("China and Iran Pledge to Deepen Cooperation") + 2


@pytest.mark.parametrize(
    "junk",
    [
        "facebook",
        "News > World",
        "ASEAN Adheres to United and Independent Development",
        "Post with no comments",
        "Published 24 July 2023",
        "Audio Only",
    ],
)
def test_seed_body_has_no_boilerplate(seed: Article, junk: str) -> None:
    assert junk not in seed.body


def test_seed_removed_lines_in_order(seed: Article) -> None:
    assert seed.removed == (
        "• Live",
        "• Audio Only",
        "• google plus",
        "• facebook",
        "• twitter",
        "News > World",
        "Published 24 July 2023",
        "ASEAN Adheres to United and Independent Development",
        "Post with no comments.",
    )


def test_seed_with_windows_line_endings(seed: Article, rules: BoilerplateRules) -> None:
    content = (SAMPLES / "000_china_iran.txt").read_text(encoding="utf-8")
    article = _text_article(content.replace("\n", "\r\n"), rules)
    assert (article.title, article.body, article.caption) == (seed.title, seed.body, seed.caption)


# --- synthetic text dumps: the cleaner generalises --------------------------------------

GHANA = """\
• Start
• Radio
• Podcasts
• Share on LinkedIn
Home » Politics » Africa

Ghana and Togo Sign Border Security Pact

Soldiers patrol the frontier near Aflao. Photo: AFP

Updated: 3 March 2024 | By Kofi Mensah

Ghana and Togo signed an agreement on Friday to hold joint patrols along their shared border, \
the two governments said.

The defence ministers of both countries met in Accra to discuss attacks by armed groups.

Sahel Leaders Gather in Niamey

Togo's foreign minister said Lomé would share intelligence with Accra and called on Burkina \
Faso to join the talks.

Sign up for our newsletter
12 Comments
"""


def test_dump_with_other_chrome(rules: BoilerplateRules) -> None:
    article = _text_article(GHANA, rules)
    assert article.title == "Ghana and Togo Sign Border Security Pact"
    assert article.section == "Africa"
    assert article.caption == "Soldiers patrol the frontier near Aflao. Photo: AFP"
    assert article.published == date(2024, 3, 3)
    assert article.author == "Kofi Mensah"
    paragraphs = article.body.split("\n\n")
    assert [p[:24] for p in paragraphs] == [
        "Ghana and Togo signed an",
        "The defence ministers of",
        "Togo's foreign minister ",
    ]
    assert article.removed == (
        "• Start",
        "• Radio",
        "• Podcasts",
        "• Share on LinkedIn",
        "Home » Politics » Africa",
        "Updated: 3 March 2024 | By Kofi Mensah",
        "Sahel Leaders Gather in Niamey",
        "Sign up for our newsletter",
        "12 Comments",
    )


ODESA = """\
MENU
Editor's Picks
World / Europe
Black Sea Ports Reopen After Talks
By Maria Petrenko, Diplomatic Correspondent - March 5th, 2024
A cargo ship leaves the port of Odesa. (Reuters/File)
Ukraine and Turkey agreed on Tuesday to restore grain shipments from three Black Sea ports.
Advertisement
Turkey's defence minister said the navy would escort the convoys until the end of the month.
Moldova praised the deal.
Read more: Grain prices fall in Chicago
Editor's Picks
"""


def test_dump_without_blank_lines(rules: BoilerplateRules) -> None:
    article = _text_article(ODESA, rules)
    assert article.title == "Black Sea Ports Reopen After Talks"
    assert article.section == "Europe"
    assert article.author == "Maria Petrenko"
    assert article.published == date(2024, 3, 5)
    assert article.caption == "A cargo ship leaves the port of Odesa. (Reuters/File)"
    assert article.body == (
        "Ukraine and Turkey agreed on Tuesday to restore grain shipments from three Black Sea"
        " ports.\n\nTurkey's defence minister said the navy would escort the convoys until the"
        " end of the month.\n\nMoldova praised the deal."
    )
    assert article.removed[:2] == ("MENU", "Editor's Picks")  # repeated at top and bottom
    assert article.removed[-2:] == ("Read more: Grain prices fall in Chicago", "Editor's Picks")


def test_hard_wrapped_text_without_title(rules: BoilerplateRules) -> None:
    text = (
        "The foreign ministers of Chile and Peru agreed on Monday to reopen\n"
        "the border crossing at Chacalluta, which had been closed since the\n"
        "floods in January.\n"
        "\n"
        "Peru's president welcomed the decision.\n"
    )
    article = _text_article(text, rules)
    assert article.title is None
    assert article.body_start == 0
    assert article.text == article.body
    assert article.body.split("\n\n") == [
        "The foreign ministers of Chile and Peru agreed on Monday to reopen the border crossing"
        " at Chacalluta, which had been closed since the floods in January.",
        "Peru's president welcomed the decision.",
    ]


def test_a_line_wrapped_after_a_preposition_joins_a_capitalised_next_line(
    rules: BoilerplateRules,
) -> None:
    text = (
        "The protesters, most of them young, marched towards parliament chanting slogans against\n"
        "President William Ruto and blocking traffic on several main roads of the capital.\n"
    )
    article = _text_article(text, rules)
    assert article.body == " ".join(text.split())


def test_document_title_and_date_take_precedence(rules: BoilerplateRules) -> None:
    text = "Published 24 July 2023\n\nIndia and Pakistan agreed to hold talks in Geneva next month."
    article = _text_article(
        text, rules, title="India, Pakistan to talk", published=date(2024, 1, 2)
    )
    assert article.title == "India, Pakistan to talk"
    assert article.published == date(2024, 1, 2)
    assert article.text == (
        "India, Pakistan to talk\n\nIndia and Pakistan agreed to hold talks in Geneva next month."
    )
    assert article.body_start == len("India, Pakistan to talk\n\n")
    assert article.removed == ("Published 24 July 2023",)


def test_a_replaced_title_line_is_kept_in_removed(rules: BoilerplateRules) -> None:
    text = "Talks Agreed in Geneva\n\nIndia and Pakistan agreed to hold talks in Geneva."
    article = _text_article(text, rules, title="India, Pakistan to talk")
    assert article.title == "India, Pakistan to talk"
    assert article.body == "India and Pakistan agreed to hold talks in Geneva."
    assert article.removed == ("Talks Agreed in Geneva",)


def test_dateline_published_wins_over_updated(rules: BoilerplateRules) -> None:
    text = (
        "Posted Nov. 24, 2023 | Updated Nov. 25, 2023\n\n"
        "The United States imposed new sanctions on North Korea on Friday."
    )
    assert clean_text(text, rules=rules).published == date(2023, 11, 24)


def test_a_sentence_with_a_date_is_body_not_dateline(rules: BoilerplateRules) -> None:
    text = "On 24 July 2023, Wang Yi met Ali Akbar Ahmadian in Johannesburg."
    cleaned = clean_text(text, rules=rules)
    assert cleaned.published is None
    assert cleaned.paragraphs == (text,)


def test_headlines_inside_the_body_are_dropped(rules: BoilerplateRules) -> None:
    text = (
        "Police in Nairobi arrested dozens of protesters on Saturday, witnesses said.\n\n"
        "Why Kenya's Finance Bill Has Angered A Generation Of Young Voters Across The Country?\n\n"
        "Talks stall in Arusha\n\n"
        "The United States urged restraint."
    )
    cleaned = clean_text(text, rules=rules)
    assert cleaned.paragraphs == (
        "Police in Nairobi arrested dozens of protesters on Saturday, witnesses said.",
        "The United States urged restraint.",
    )
    assert cleaned.removed == (
        "Why Kenya's Finance Bill Has Angered A Generation Of Young Voters Across The Country?",
        "Talks stall in Arusha",
    )


def test_bulleted_quote_with_a_year_before_the_body_is_a_caption(rules: BoilerplateRules) -> None:
    text = (
        "Egypt Calls for Ceasefire in Gaza\n"
        "  \u25aa \u201cWe need a ceasefire now,\u201d the minister said. Feb. 10, 2024\n"
        "Egypt called on Israel and Hamas to agree to a ceasefire, the foreign ministry said.\n"
        "\u2022 \u201cWe may respond,\u201d an Israeli official said on Saturday.\n"
    )
    cleaned = clean_text(text, rules=rules)
    assert cleaned.title == "Egypt Calls for Ceasefire in Gaza"
    assert (
        cleaned.caption == "\u201cWe need a ceasefire now,\u201d the minister said. Feb. 10, 2024"
    )
    assert cleaned.paragraphs == (
        "Egypt called on Israel and Hamas to agree to a ceasefire, the foreign ministry said.",
        "\u201cWe may respond,\u201d an Israeli official said on Saturday.",
    )


def test_only_boilerplate_gives_an_empty_body(rules: BoilerplateRules) -> None:
    article = _text_article("• Home\n• facebook\nNews > World\n3 comments\n", rules)
    assert article.body == ""
    assert article.section == "World"
    assert len(article.removed) == 4


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Russian forces shelled the Ukrainian city of Kharkiv on Tuesday, officials said.", "en"),
        ("Die Regierung hat am Montag neue Sanktionen gegen das Land beschlossen, sagte er.", "de"),
        ("Le gouvernement a annoncé lundi des sanctions contre le pays, selon le ministre.", "fr"),
        ("Kharkiv Kyiv Odesa Lviv Dnipro Zaporizhzhia", "und"),
        ("Yes.", "und"),
        ("\u4e2d\u56fd\u5916\u4ea4\u90e8\u957f\u738b\u6bc5\u5468\u4e00\u4f1a\u89c1\u4e86", "zh"),
        (
            "\u6771\u4eac\u3067\u9996\u76f8\u306f\u8a18\u8005\u4f1a\u898b\u3092\u884c\u3063\u305f",
            "ja",
        ),
        ("\u041c\u0438\u043d\u0438\u0441\u0442\u0440 \u0437\u0430\u044f\u0432\u0438\u043b", "ru"),
        ("\u0642\u0627\u0644 \u0627\u0644\u0648\u0632\u064a\u0631 \u0625\u0646", "ar"),
    ],
)
def test_detect_language(text: str, expected: str, rules: BoilerplateRules) -> None:
    assert detect_language(text, rules=rules) == expected


# --- HTML -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kharkiv(rules: BoilerplateRules) -> Article:
    content = (SAMPLES / "001_kharkiv_shelling.html").read_text(encoding="utf-8")
    doc = Document(doc_id="kharkiv", content=content, kind="html")
    return extract_article(doc, rules=rules)


def test_html_sample_metadata(kharkiv: Article) -> None:
    assert kharkiv.title == "Russian forces shell Kharkiv as Ukraine appeals for air defence"
    assert kharkiv.published == date(2024, 3, 12)
    assert kharkiv.section == "Europe"
    assert kharkiv.author == "Anna Kowalska"
    assert kharkiv.url == "https://meridian-herald.example/world/europe/kharkiv-shelling"
    assert kharkiv.caption == (
        "Firefighters work at a damaged apartment block in Kharkiv. Photo: Meridian Herald/Files"
    )
    assert kharkiv.language == "en"


def test_html_sample_body(kharkiv: Article) -> None:
    paragraphs = kharkiv.body.split("\n\n")
    assert len(paragraphs) == 6
    assert paragraphs[0] == (
        "Russian forces shelled the Ukrainian city of Kharkiv on Tuesday, damaging apartment"
        " blocks and a power station, regional officials said."
    )
    assert paragraphs[-1].startswith("The United Nations urged both sides")
    assert kharkiv.text[: kharkiv.body_start] == f"{kharkiv.title}\n\n"


@pytest.mark.parametrize(
    "junk",
    [
        "Subscribe",
        "Sign in",
        "cookies",
        "Share on",
        "Email this story",
        "Related stories",
        "Black Sea grain corridor",
        "newsletter",
        "Privacy policy",
        "All rights reserved",
        "Anna Kowalska",
        "Firefighters",
    ],
)
def test_html_sample_body_has_no_chrome(kharkiv: Article, junk: str) -> None:
    assert junk not in kharkiv.body


def test_html_fallback_when_trafilatura_finds_nothing(
    rules: BoilerplateRules, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("communique.extract.trafilatura.bare_extraction", lambda *a, **k: None)
    html = (
        "<html><head><title>Peru and Chile | Site</title><style>p {color: red}</style></head>"
        "<body><ul><li>Home</li><li>World</li></ul>"
        "<h1>Chile and Peru Reopen Border Crossing</h1>"
        "<p>Published 4 March 2024</p>"
        "<p>Chile and Peru agreed on Monday to reopen the border crossing at Chacalluta.</p>"
        "<script>var x = 'Peru';</script>"
        "<p>Bolivia welcomed the decision.</p><footer>12 comments</footer></body></html>"
    )
    article = extract_article(Document(doc_id="h", content=html, kind="html"), rules=rules)
    assert article.title == "Chile and Peru Reopen Border Crossing"
    assert article.published == date(2024, 3, 4)
    assert article.body == (
        "Chile and Peru agreed on Monday to reopen the border crossing at Chacalluta."
        "\n\nBolivia welcomed the decision."
    )
    assert article.removed == ("Home", "World", "Published 4 March 2024", "12 comments")


def test_comments_after_the_article_are_not_body(rules: BoilerplateRules) -> None:
    article = (
        "The foreign ministers of both countries met in Geneva on Monday to resume the talks "
        "that collapsed last spring, officials said."
    )
    more = "They agreed to meet again next month and to exchange prisoners before the winter."
    comment = "This is a long comment that argues at some length about the talks, as readers do."
    posts = "".join(f"reader{n}\nNovember 19, 2019 at 6:{n}4 am\n{comment}\n" for n in range(6))
    text = f"Talks Resume In Geneva\n{article}\n{more}\nShare this:\n34 Comments\n{posts}"
    cleaned = clean_text(text, rules=rules)
    assert cleaned.paragraphs == (article, more)


def test_a_fragment_split_off_at_a_link_joins_its_sentence(rules: BoilerplateRules) -> None:
    text = "Officials in the capital said the new agreement, signed by\nboth sides\n, would hold."
    cleaned = clean_text(text, rules=rules)
    assert cleaned.paragraphs == (
        "Officials in the capital said the new agreement, signed by both sides , would hold.",
    )


def test_a_link_cut_heading_inside_the_body_is_kept(rules: BoilerplateRules) -> None:
    first = "Officials in the capital said on Monday that the talks would go on."
    text = f"{first}\n\nBut the\n\nnew agreement\n\nwas signed by both sides."
    cleaned = clean_text(text, rules=rules)
    assert cleaned.paragraphs == (first, "But the", "new agreement", "was signed by both sides.")


def test_a_subheading_about_the_article_is_kept(rules: BoilerplateRules) -> None:
    first = "Farmers across the valley said the drought had ruined the wheat harvest this year."
    second = "The ministry promised to pay farmers for the lost wheat before the winter."
    text = f"{first}\n\nWheat Harvest Lost\n\n{second}"
    cleaned = clean_text(text, rules=rules)
    assert cleaned.paragraphs == (first, "Wheat Harvest Lost", second)
    assert cleaned.removed == ()


def test_an_earlier_article_wins_over_a_longer_footer(rules: BoilerplateRules) -> None:
    menu = "\n".join(f"Section {n}" for n in range(30))
    article = (
        "The son of a former president was stabbed to death in Berlin on Tuesday evening, "
        "police said, and another man was badly hurt trying to stop the attacker."
    )
    footer = " ".join(["The customer service center can be contacted on weekdays, by phone."] * 4)
    text = f"Man Stabbed In Berlin\n{article}\n{menu}\n{footer}\nAbout us"
    cleaned = clean_text(text, rules=rules)
    assert cleaned.paragraphs == (article,)
    assert cleaned.title == "Man Stabbed In Berlin"


def test_a_heading_ending_on_a_minor_word_is_a_cut_sentence(rules: BoilerplateRules) -> None:
    first = "Officials in the capital said on Monday that the talks would go on."
    last = "site, which he started ten years ago, says that he retired at the age of 38."
    text = f"{first}\n\nThe blogger behind the\n\nRoot Of Good\n\n{last}"
    cleaned = clean_text(text, rules=rules)
    assert cleaned.paragraphs == (first, "The blogger behind the", "Root Of Good", last)


def test_japanese_sentences_are_body_and_menu_lines_are_not(rules: BoilerplateRules) -> None:
    body = (
        "Kindle書籍を読む場合は、一般的にスマホやタブレットで読むことが多いと思います。",
        "そんな用途を考慮してか、パソコン用のデスクトップアプリが用意されています。",
    )
    text = "\n".join(["サイトマップ", "プライバシーポリシー", *body, "関連記事", "新着記事"])
    cleaned = clean_text(text, rules=rules)
    assert cleaned.paragraphs == body  # (the first menu line is taken for the title)
    assert cleaned.removed == ("プライバシーポリシー", "関連記事", "新着記事")
