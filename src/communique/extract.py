"""Extraction: a raw :class:`Document` in, a clean :class:`Article` out.

``Article.text`` is the title, a blank line, then the body paragraphs separated by blank lines;
``Article.body_start`` is where the body begins (0 when there is no title).

- **HTML** goes through trafilatura (precision first, metadata on): title, author, date,
  section (its categories) and URL come from its metadata, htmldate is the date fallback and
  the first ``<figcaption>`` is the caption. Its paragraphs still pass the line filters below
  (share lines, counters, credits). When trafilatura finds nothing, the page's visible text
  goes through the text cleaner.
- **Text dumps** go through :func:`clean_text`, a line-level boilerplate cleaner: every line
  gets features (length, terminal punctuation, share of lowercase and title-case words,
  leading bullets, breadcrumb separators, navigation/social vocabulary, repetition) and a kind
  (nav, breadcrumb, caption, dateline, counter, promo, body-shaped, heading-shaped); its
  position relative to the body then decides between title, inserted headline and chrome.
  The vocabulary lives in ``data/boilerplate.json`` (:func:`load_rules`).

A document's own ``title`` and ``published`` (from JSONL, a feed item, or the ingest default)
take precedence over what is found in the page; its ``crawled`` date (a WARC record's date)
is used only when the page gives no date at all.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from html.parser import HTMLParser
from importlib import resources
from typing import Any, cast

import dateparser
import htmldate
import trafilatura

from communique.model import Article, Document

__all__ = [
    "BoilerplateRules",
    "Extraction",
    "clean_text",
    "detect_language",
    "extract_article",
    "load_rules",
]

# Line kinds. Local kinds come from a line alone; the last three need its position.
NAV, BREADCRUMB, CAPTION, DATELINE, COUNTER, PROMO = (
    "nav",
    "breadcrumb",
    "caption",
    "dateline",
    "counter",
    "promo",
)
BODY, HEADING, OTHER = "body", "heading", "other"
TITLE, INSERTED = "title", "inserted"
_KEPT = frozenset({BODY, TITLE, CAPTION})
_POSITION_DECAY = 0.8  # body words at the end of a page weigh 1 - 0.8 of those at the top
_SHORT_PAGE = 50  # lines: in a shorter text, position hardly matters
_SEPARATOR = 25  # the weight of a line that parts the article from what follows (main block)
_CONTINUING = frozenset(",.;:)!?\u201d")
_HTML_DROPPED = frozenset({CAPTION, DATELINE, COUNTER, PROMO})  # trafilatura keeps list items

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # kana and Han: no spaces
# A word: a run of letters or digits (with inner apostrophes, dots, hyphens), or one kana or
# Han character (Chinese and Japanese write no spaces; a character stands for a short word).
_WORD = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+(?:['\u2019.&-][^\W_{_CJK}]+)*")
_TERMINAL = re.compile(r"""[.!?\u2026\u3002\uff01\uff1f][\s"'\u201d\u2019\u00bb)\]]*$""")
_INNER_PUNCT = re.compile(r"[,.;:!?\u3001\u3002\uff0c]")
_QUOTES = re.compile(r"[\"“”«»]")
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DATE = re.compile(
    rf"\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b{_DAY}\s+{_MONTH},?\s+\d{{4}}\b"
    rf"|\b{_MONTH}\s+{_DAY},?\s+\d{{4}}\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_PARTS = re.compile(r"\s*[|\u2022\u00b7]\s*|\s+[-\u2013\u2014]\s+")
_BY = re.compile(r"^by\s+(.+)$", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_CREDIT_TAIL = r"\((?:[^()]*\W)?(?:{})(?:\W[^()]*)?\)\.?$"  # "... (Reuters)", "(AFP/File)"
_BLOCK_TAGS = (
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "br", "tr", "section", "article",
    "header", "footer", "nav", "aside", "figcaption", "blockquote", "pre", "td", "dd", "dt",
    "figure", "main", "form", "ul", "ol", "table", "title",
)  # fmt: skip
_HIDDEN_TAGS = frozenset({"script", "style", "noscript", "template", "head", "svg", "title"})
_SCRIPTS = (  # (language, first, last code point): the script's main language
    ("ru", 0x0400, 0x052F),
    ("el", 0x0370, 0x03FF),
    ("he", 0x0590, 0x05FF),
    ("ar", 0x0600, 0x06FF),
    ("hi", 0x0900, 0x097F),
    ("th", 0x0E00, 0x0E7F),
    ("ko", 0xAC00, 0xD7AF),
    ("ko", 0x1100, 0x11FF),
    ("kana", 0x3040, 0x30FF),
    ("zh", 0x3400, 0x4DBF),
    ("zh", 0x4E00, 0x9FFF),
    ("zh", 0xF900, 0xFAFF),
)
_VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


@dataclass(frozen=True, slots=True)
class BoilerplateRules:
    """The cleaner's vocabulary, from ``data/boilerplate.json``; all words lowercase."""

    bullets: str
    nav_words: frozenset[str]
    social_words: frozenset[str]
    minor_words: frozenset[str]
    verb_words: frozenset[str]
    verb_suffixes: tuple[str, ...]
    breadcrumb: re.Pattern[str]
    credit_markers: tuple[str, ...]
    credit_tail: re.Pattern[str]
    dateline_prefixes: tuple[str, ...]
    updated_prefixes: frozenset[str]
    counter_phrases: frozenset[str]
    promo_prefixes: tuple[str, ...]
    promo_phrases: tuple[str, ...]
    function_words: tuple[tuple[str, frozenset[str]], ...]


@dataclass(frozen=True, slots=True)
class Extraction:
    """What a page yields before it becomes an Article."""

    title: str | None
    paragraphs: tuple[str, ...]
    removed: tuple[str, ...] = ()
    section: str | None = None
    caption: str | None = None
    author: str | None = None
    published: date | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class _Line:
    """One non-empty line and its features."""

    raw: str  # the line, stripped
    text: str  # without leading bullets
    words: tuple[str, ...]
    bullet: bool
    terminal: bool
    lower_ratio: float  # share of words starting lowercase
    title_ratio: float  # share of capitalised words among non-minor words
    verbish: bool  # has a lowercase word that looks like a verb ("said", "urged")
    repeated: bool


@dataclass(frozen=True, slots=True)
class _Stamp:
    """A dateline part: a date, whether it is an update time, an author."""

    day: date | None
    updated: bool
    author: str | None


# --- rules ------------------------------------------------------------------------------


def load_rules() -> BoilerplateRules:
    """Load the cleaner's vocabulary from the package data file ``data/boilerplate.json``."""
    path = resources.files("communique.data").joinpath("boilerplate.json")
    raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return BoilerplateRules(
        bullets=raw["bullets"],
        nav_words=_lower_set(raw["nav_words"]),
        social_words=_lower_set(raw["social_words"]),
        minor_words=_lower_set(raw["minor_words"]),
        verb_words=_lower_set(raw["verb_words"]),
        verb_suffixes=tuple(raw["verb_suffixes"]),
        breadcrumb=_alternation(raw["breadcrumb_separators"], r"\s+(?:{})\s+"),
        credit_markers=tuple(m.lower() for m in raw["credit_markers"]),
        credit_tail=_alternation(raw["credit_agencies"], _CREDIT_TAIL),
        dateline_prefixes=tuple(raw["dateline_prefixes"]),
        updated_prefixes=_lower_set(raw["updated_prefixes"]),
        counter_phrases=_lower_set(raw["counter_phrases"]),
        promo_prefixes=tuple(raw["promo_prefixes"]),
        promo_phrases=tuple(raw["promo_phrases"]),
        function_words=tuple((k, _lower_set(v)) for k, v in raw["function_words"].items()),
    )


def _lower_set(words: Iterable[str]) -> frozenset[str]:
    return frozenset(w.lower() for w in words)


def _alternation(items: Sequence[str], template: str) -> re.Pattern[str]:
    longest_first = sorted(items, key=len, reverse=True)
    return re.compile(template.format("|".join(map(re.escape, longest_first))), re.IGNORECASE)


# --- entry point ------------------------------------------------------------------------


def extract_article(doc: Document, *, rules: BoilerplateRules | None = None) -> Article:
    """Clean one document into an Article (title + body paragraphs, metadata, removed lines)."""
    rules = rules or load_rules()
    found = _from_html(doc, rules) if doc.kind == "html" else clean_text(doc.content, rules=rules)
    return _assemble(doc, found, rules)


def _assemble(doc: Document, found: Extraction, rules: BoilerplateRules) -> Article:
    title = _squash(doc.title or "") or found.title
    body = "\n\n".join(p for p in found.paragraphs if not _same_text(p, title))
    text, body_start = _compose(title, body)
    return Article(
        doc_id=doc.doc_id,
        title=title,
        text=text,
        body_start=body_start,
        published=doc.published or found.published or doc.crawled,
        section=found.section,
        caption=found.caption,
        author=found.author,
        language=detect_language(body, rules=rules),
        url=doc.url or found.url,
        removed=found.removed + _overridden_title(doc, found),
    )


def _overridden_title(doc: Document, found: Extraction) -> tuple[str, ...]:
    """The page's own title line, when the document's title replaced it."""
    replaced = doc.title and found.title and not _same_text(found.title, doc.title)
    return (found.title,) if replaced and found.title else ()


def _compose(title: str | None, body: str) -> tuple[str, int]:
    if not title:
        return body, 0
    if not body:
        return title, len(title)
    return f"{title}\n\n{body}", len(title) + 2


def _squash(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _same_text(a: str, b: str | None) -> bool:
    return b is not None and _squash(a).casefold() == _squash(b).casefold()


# --- language ---------------------------------------------------------------------------


def detect_language(text: str, *, rules: BoilerplateRules) -> str:
    """The language of a non-Latin script that makes up most letters ("zh", "ru", ...), else
    the language whose function words clearly dominate ("en", "de", ...), else "und"."""
    by_script = _script_language(text)
    if by_script is not None:
        return by_script
    tokens = [t.lower() for t in _WORD.findall(text) if t[0].isalpha()]
    if len(tokens) < 5:
        return "und"
    listed = Counter(w for _, words in rules.function_words for w in words)
    shares = sorted(
        ((_share(tokens, words, listed), lang) for lang, words in rules.function_words),
        reverse=True,
    )
    (best, lang), (second, _) = shares[0], shares[1]
    return lang if best >= 0.08 and best >= 1.5 * second else "und"


def _script_language(text: str) -> str | None:
    """The language of the script of most letters (of the first 2,000), when not Latin."""
    letters = [c for c in text[:4000] if c.isalpha()][:2000]
    if not letters or max(letters) < "\u0250":  # all Latin (the common case): no counting
        return None
    counts = Counter(_script_of(c) for c in letters)
    if counts["kana"] >= 0.05 * len(letters):  # Japanese mixes kana with Han characters
        return "ja"
    script, count = counts.most_common(1)[0]
    if script in ("latin", "other", "kana") or count < 0.5 * len(letters):
        return None
    return script


def _script_of(char: str) -> str:
    point = ord(char)
    if point < 0x250:
        return "latin"
    return next((lang for lang, low, high in _SCRIPTS if low <= point <= high), "other")


def _share(tokens: Sequence[str], words: frozenset[str], listed: Counter[str]) -> float:
    """Share of the tokens that are function words of a language; a word listed for n
    languages counts 1/n."""
    return sum(1 / listed[t] for t in tokens if t in words) / len(tokens)


# --- text dumps: line features ----------------------------------------------------------


def clean_text(text: str, *, rules: BoilerplateRules) -> Extraction:
    """Split a text dump into title, body paragraphs and the boilerplate around them."""
    lines = _features(_merge_wrapped(text.splitlines(), rules=rules), rules)
    kinds = _place(lines, [_local_kind(line, rules) for line in lines], rules)
    datelines = [line for line, kind in zip(lines, kinds, strict=True) if kind == DATELINE]
    stamps = [s for line in datelines for s in _stamps(line.text, rules)]
    return Extraction(
        title=_first_of(lines, kinds, TITLE),
        paragraphs=tuple(_squash(ln.text) for ln, k in zip(lines, kinds, strict=True) if k == BODY),
        removed=tuple(ln.raw for ln, k in zip(lines, kinds, strict=True) if k not in _KEPT),
        section=_section(lines, kinds, rules),
        caption=_caption(lines, kinds),
        author=next((s.author for s in stamps if s.author), None),
        published=_published(stamps),
    )


def _merge_wrapped(raw_lines: Sequence[str], *, rules: BoilerplateRules) -> list[str]:
    """Non-empty lines, with hard-wrapped paragraph lines joined back together."""
    merged: list[str] = []
    previous_blank = True
    for raw in raw_lines:
        line = raw.strip()
        if line and not previous_blank and _continues(merged[-1], line, rules):
            merged[-1] = f"{merged[-1]} {line}"
        elif line:
            merged.append(line)
        previous_blank = not line
    return merged


def _continues(previous: str, line: str, rules: BoilerplateRules) -> bool:
    """Whether ``line`` continues a hard-wrapped ``previous`` line."""
    if _TERMINAL.search(previous) or line[0] in rules.bullets:
        return False
    if line[0] in _CONTINUING:  # no line starts with a comma: a fragment split off at a link
        return True
    if len(previous) < 40:
        return False
    last_word = previous.split()[-1].lower()
    joiner = previous[-1] in ",;:-(\u2013\u2014"
    return line[0].islower() or joiner or last_word in rules.minor_words


def _features(texts: Sequence[str], rules: BoilerplateRules) -> list[_Line]:
    counts = Counter(_squash(t).casefold() for t in texts)
    return [_line(t, rules, repeated=counts[_squash(t).casefold()] > 1) for t in texts]


def _line(raw: str, rules: BoilerplateRules, *, repeated: bool) -> _Line:
    text = raw.lstrip(rules.bullets + " \t\u00a0")
    words = tuple(_WORD.findall(text))
    alpha = [w for w in words if w[0].isalpha()]
    major = [w for w in alpha if w.lower() not in rules.minor_words]
    return _Line(
        raw=raw,
        text=text,
        words=words,
        bullet=len(text) < len(raw),
        terminal=bool(_TERMINAL.search(text)),
        lower_ratio=_ratio(sum(w[0].islower() for w in alpha), len(alpha)),
        title_ratio=_ratio(sum(w[0].isupper() for w in major), len(major)),
        verbish=any(_is_verbish(w, rules) for w in alpha),
        repeated=repeated,
    )


def _is_verbish(word: str, rules: BoilerplateRules) -> bool:
    return word.islower() and (word in rules.verb_words or word.endswith(rules.verb_suffixes))


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


# --- text dumps: local kinds ------------------------------------------------------------


def _local_kind(line: _Line, rules: BoilerplateRules) -> str:
    """The kind of a line judged alone (first matching test wins)."""
    tests: tuple[tuple[str, Callable[[_Line, BoilerplateRules], bool]], ...] = (
        (COUNTER, _is_counter),
        (PROMO, _is_promo),
        (CAPTION, _is_caption),
        (BREADCRUMB, _is_breadcrumb),
        (DATELINE, _is_dateline),
        (NAV, _is_nav),
        (BODY, _is_body_shaped),
        (HEADING, _is_heading_shaped),
    )
    return next((kind for kind, test in tests if test(line, rules)), OTHER)


def _is_counter(line: _Line, rules: BoilerplateRules) -> bool:
    """Counters: "12 Comments", "Post with no comments.", "Comments (3)", "5 min read"."""
    letters_only = " ".join(w.lower() for w in line.words if not any(c.isdigit() for c in w))
    return len(line.words) <= 6 and letters_only in rules.counter_phrases


def _is_promo(line: _Line, rules: BoilerplateRules) -> bool:
    """Read more / Related / share / subscribe / newsletter / cookie / copyright lines."""
    lowered = line.text.lower()
    starts = lowered.startswith(rules.promo_prefixes)  # one C call rules most lines out
    if starts and any(_starts_with_phrase(lowered, p) for p in rules.promo_prefixes):
        return True
    return len(line.words) <= 25 and any(p in lowered for p in rules.promo_phrases)


def _starts_with_phrase(text: str, phrase: str) -> bool:
    rest = text[len(phrase) : len(phrase) + 1]
    return text.startswith(phrase) and not (rest.isalnum() and phrase[-1].isalnum())


def _is_caption(line: _Line, rules: BoilerplateRules) -> bool:
    """A photo credit, or a bulleted quote with a date (a gallery caption)."""
    if len(line.words) > 60:
        return False
    lowered = line.text.lower()
    credited = any(m in lowered for m in rules.credit_markers) or bool(
        rules.credit_tail.search(line.text)
    )
    quoted = line.bullet and bool(_QUOTES.search(line.text) and _YEAR.search(line.text))
    return credited or quoted


def _is_breadcrumb(line: _Line, rules: BoilerplateRules) -> bool:
    """Breadcrumbs: "News > World", "Home » Politics » Africa" (short capitalised crumbs)."""
    crumbs = _crumbs(line.text, rules)
    return len(crumbs) >= 2 and len(line.words) <= 12 and all(_is_crumb(c, rules) for c in crumbs)


def _crumbs(text: str, rules: BoilerplateRules) -> list[str]:
    return [c.strip() for c in rules.breadcrumb.split(text)]


def _is_crumb(crumb: str, rules: BoilerplateRules) -> bool:
    words = _WORD.findall(crumb)
    major = [w for w in words if w.lower() not in rules.minor_words]
    shaped = 1 <= len(words) <= 4 and ":" not in crumb and not _TERMINAL.search(crumb)
    return shaped and bool(major) and all(w[0].isupper() for w in major)


def _is_dateline(line: _Line, rules: BoilerplateRules) -> bool:
    """Datelines: "Published 24 July 2023", "By NAME | date", "Updated: ...", a bare date."""
    if len(line.words) > 20:
        return False
    stamps = _stamps(line.text, rules)
    if stamps and stamps[0].author:
        return True
    prefixed = _date_prefix(line.text, rules) is not None and any(s.day for s in stamps)
    return prefixed or _is_bare_date(line.text)


def _is_bare_date(text: str) -> bool:
    """A line that is a date plus at most a weekday, time or zone."""
    match = _DATE.search(text)
    if match is None:
        return False
    rest = text[: match.start()] + text[match.end() :]
    return len([w for w in _WORD.findall(rest) if w[0].isalpha()]) <= 3


def _is_nav(line: _Line, rules: BoilerplateRules) -> bool:
    """Bulleted short items, menu/social vocabulary, repeated short lines, symbol lines."""
    short = len(line.words) <= 6
    vocabulary = rules.nav_words | rules.social_words
    in_menu = short and all(w.lower() in vocabulary for w in line.words)
    bulleted = line.bullet and len(line.words) <= 5 and not line.terminal
    return not line.words or in_menu or bulleted or (line.repeated and len(line.words) <= 8)


def _is_body_shaped(line: _Line, _rules: BoilerplateRules) -> bool:
    """Sentence-shaped: ends like a sentence and reads like one, or is long running text."""
    count = len(line.words)
    if line.title_ratio >= 0.9 and not line.verbish and count > 3:  # A Title-Case Headline
        return False
    reads = line.lower_ratio >= 0.5 or (line.verbish and line.lower_ratio >= 0.25)
    if line.terminal and (count >= 12 or (count >= 3 and reads)):
        return True
    return count >= 25 and line.lower_ratio >= 0.3 and _punctuated(line)


def _punctuated(line: _Line) -> bool:
    """Running text has inner punctuation; a tag cloud or a run of links has none."""
    return len(_INNER_PUNCT.findall(line.text)) * 40 >= len(line.words)


def _is_heading_shaped(line: _Line, _rules: BoilerplateRules) -> bool:
    return not line.bullet and 1 <= len(line.words) <= 25


# --- text dumps: position ---------------------------------------------------------------


def _place(lines: Sequence[_Line], kinds: Sequence[str], rules: BoilerplateRules) -> list[str]:
    """Resolve headings by position: the title before the body, inserted headlines inside."""
    block = _main_block(lines, kinds)
    if block is not None:
        kinds = [
            OTHER if k == BODY and not block[0] <= i <= block[1] else k for i, k in enumerate(kinds)
        ]
    body = [i for i, kind in enumerate(kinds) if kind == BODY]
    if not body:
        return [BODY if kind in (HEADING, OTHER) else kind for kind in kinds]
    title = _title_index(lines, kinds, before=body[0])
    span = (body[0], body[-1])
    placed = [_placed(i, k, title=title, body=span) for i, k in enumerate(kinds)]
    vocabulary = _content_words((lines[i] for i in body), rules)
    return [
        BODY if k == INSERTED and _belongs(lines, placed, i, vocabulary, rules) else k
        for i, k in enumerate(placed)
    ]


def _content_words(lines: Iterable[_Line], rules: BoilerplateRules) -> frozenset[str]:
    return frozenset(
        w.casefold()
        for ln in lines
        for w in ln.words
        if len(w) > 2 and w.lower() not in rules.minor_words
    )


def _belongs(
    lines: Sequence[_Line],
    kinds: Sequence[str],
    index: int,
    vocabulary: frozenset[str],
    rules: BoilerplateRules,
) -> bool:
    """Whether a heading inside the body is part of the article, not another one's headline:
    a piece of a sentence cut at a link (it starts lowercase, follows an unfinished body line
    or runs on into a lowercase one), or a subheading between two body lines whose words
    mostly recur in the body (an inserted headline is about something else)."""
    line = lines[index]
    before = index - 1 if index else None
    after = index + 1 if index + 1 < len(lines) else None
    body_before = before is not None and kinds[before] == BODY
    last = line.words[-1].lower() if line.words else ""
    cut = (
        line.text[:1].islower()
        or line.text[-1:] in ",;:-(\u2013\u2014"
        or last in rules.minor_words
        or (body_before and before is not None and not lines[before].terminal)
        or (after is not None and lines[after].text[:1].islower())
        or (after is not None and lines[after].text[:1] in _CONTINUING)
    )
    if cut:
        return True
    own = _content_words((line,), rules)
    between = body_before and after is not None and kinds[after] == BODY
    return between and bool(own) and 2 * len(own & vocabulary) >= len(own)


def _main_block(lines: Sequence[_Line], kinds: Sequence[str]) -> tuple[int, int] | None:
    """The run of lines densest in body text; body lines outside it are other pages' text.

    Each body line counts for a run by its words, every other line against it (see
    :func:`_block_weight`); the best-scoring run wins (Kadane), so comments, teasers and
    footers set apart from the article by menus and datelines drop out. Body words count
    less the further down the page they are (by ``_POSITION_DECAY``: a line at the end
    weighs a fifth of one at the top; a short text counts as ``_SHORT_PAGE`` lines long),
    as an article comes before the footer, comments and teasers that follow it. None
    without body.
    """
    best, found, run, start = 0.0, None, 0.0, 0
    page = max(len(lines), _SHORT_PAGE)
    for index, (line, kind) in enumerate(zip(lines, kinds, strict=True)):
        if run <= 0:
            run, start = 0.0, index
        weight = _block_weight(line, kind)
        run += weight * (1 - _POSITION_DECAY * index / page) if weight > 0 else weight
        if run > best:
            best, found = run, (start, index)
    return found


def _block_weight(line: _Line, kind: str) -> int:
    """Body words for the run; a heading (maybe an inserted headline) two against; a counter
    ("34 Comments") or a dateline after the top (a comment's time) ends a run; else words."""
    if kind == BODY:
        return len(line.words)
    if kind in (COUNTER, DATELINE):
        return -_SEPARATOR
    return -2 if kind == HEADING else -max(1, len(line.words))


def _title_index(lines: Sequence[_Line], kinds: Sequence[str], *, before: int) -> int | None:
    """The first heading-shaped line before the body, preferring one of four words or more."""
    candidates = [i for i in range(before) if kinds[i] == HEADING]
    long_enough = [i for i in candidates if len(lines[i].words) >= 4]
    return next(iter(long_enough or candidates), None)


def _placed(index: int, kind: str, *, title: int | None, body: tuple[int, int]) -> str:
    if index == title:
        return TITLE
    if kind == HEADING and body[0] < index < body[1]:
        return INSERTED
    return NAV if kind in (HEADING, OTHER) else kind


def _first_of(lines: Sequence[_Line], kinds: Sequence[str], wanted: str) -> str | None:
    return next((_squash(ln.text) for ln, k in zip(lines, kinds, strict=True) if k == wanted), None)


def _section(lines: Sequence[_Line], kinds: Sequence[str], rules: BoilerplateRules) -> str | None:
    crumb = _first_of(lines, kinds, BREADCRUMB)
    return _crumbs(crumb, rules)[-1] if crumb else None


def _caption(lines: Sequence[_Line], kinds: Sequence[str]) -> str | None:
    found = [_squash(ln.text) for ln, k in zip(lines, kinds, strict=True) if k == CAPTION]
    return "\n".join(found) or None


# --- datelines --------------------------------------------------------------------------


def _stamps(text: str, rules: BoilerplateRules) -> list[_Stamp]:
    return [_stamp(part, rules) for part in _PARTS.split(text) if part.strip()]


def _stamp(part: str, rules: BoilerplateRules) -> _Stamp:
    prefix = _date_prefix(part, rules)
    updated = prefix is not None and prefix.lower() in rules.updated_prefixes
    return _Stamp(day=_find_date(part), updated=updated, author=_byline_author(part, rules))


def _date_prefix(text: str, rules: BoilerplateRules) -> str | None:
    lowered = text.lower()
    return next((p for p in rules.dateline_prefixes if _starts_with_phrase(lowered, p)), None)


def _byline_author(part: str, rules: BoilerplateRules) -> str | None:
    """The name of a "By Jane Doe" part, when every word is capitalised (or minor)."""
    match = _BY.match(part.strip())
    if match is None:
        return None
    name = match.group(1).split(",")[0].strip()
    words = _WORD.findall(match.group(1))
    capitalised = all(w[0].isupper() or w.lower() in rules.minor_words for w in words)
    return name if name and capitalised and len(words) <= 8 and name[0].isupper() else None


def _find_date(text: str) -> date | None:
    """The first full date (day, month and year) written in ``text``."""
    match = _DATE.search(text)
    if match is None:
        return None
    settings = {"PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["day", "month", "year"]}
    parsed = cast(datetime | None, dateparser.parse(match.group(), settings=settings))
    return parsed.date() if parsed else None


def _published(stamps: Sequence[_Stamp]) -> date | None:
    """The publication date: the first dated stamp that is not an update time, else any."""
    original = [s.day for s in stamps if s.day and not s.updated]
    updated = [s.day for s in stamps if s.day and s.updated]
    return next(iter(original or updated), None)


# --- HTML -------------------------------------------------------------------------------


def _from_html(doc: Document, rules: BoilerplateRules) -> Extraction:
    page = _read_page(doc.content)
    found = _trafilatura(doc.content, url=doc.url, rules=rules)
    if found is None or not found.paragraphs:
        found = _html_fallback(page, rules=rules)
    published = found.published or _htmldate(doc.content)
    return replace(found, published=published, caption=found.caption or page.caption)


def _trafilatura(html: str, *, url: str | None, rules: BoilerplateRules) -> Extraction | None:
    result = trafilatura.bare_extraction(
        html,
        url=url,
        favor_precision=True,
        include_comments=False,
        include_tables=False,
        with_metadata=True,
    )
    if result is None:
        return None
    kept, removed, stamps = _filter_paragraphs(_attr(result, "text") or "", rules)
    return Extraction(
        title=_squash(_attr(result, "title") or "") or None,
        paragraphs=kept,
        removed=removed,
        section=_first_category(result),
        author=_attr(result, "author"),
        published=_iso_day(_attr(result, "date")) or _published(stamps),
        url=_attr(result, "url"),
    )


def _attr(result: object, name: str) -> str | None:
    value = getattr(result, name, None)
    return value if isinstance(value, str) and value.strip() else None


def _first_category(result: object) -> str | None:
    categories = getattr(result, "categories", None) or []
    names = [c.strip() for c in categories if isinstance(c, str) and c.strip()]
    return names[0] if names else None


def _filter_paragraphs(
    text: str, rules: BoilerplateRules
) -> tuple[tuple[str, ...], tuple[str, ...], list[_Stamp]]:
    """trafilatura's paragraphs without share/counter/credit/dateline lines."""
    lines = _features([ln.strip() for ln in text.splitlines() if ln.strip()], rules)
    kinds = [_local_kind(line, rules) for line in lines]
    pairs = list(zip(lines, kinds, strict=True))
    kept = tuple(_squash(ln.text) for ln, k in pairs if k not in _HTML_DROPPED)
    removed = tuple(ln.raw for ln, k in pairs if k in _HTML_DROPPED)
    stamps = [s for ln, k in pairs if k == DATELINE for s in _stamps(ln.text, rules)]
    return kept, removed, stamps


def _iso_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _htmldate(html: str) -> date | None:
    try:
        found = htmldate.find_date(html, original_date=True)
    except (ValueError, TypeError):
        return None
    return _iso_day(found)


@dataclass(frozen=True, slots=True)
class _Page:
    """What the fallback needs from a page: visible text, title, first figure caption."""

    text: str
    title: str | None
    caption: str | None


class _PageReader(HTMLParser):
    """Visible text of a page, one line per block element (stdlib parser: never raises)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.open: list[str] = []
        self.fields: dict[str, list[str]] = {"title": [], "h1": [], "figcaption": []}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":  # an unclosed <head> ends here
            self.open = [t for t in self.open if t not in ("head", "title")]
        if tag in _BLOCK_TAGS:
            self.chunks.append("\n")
        if tag not in _VOID_TAGS:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag) :]
        if tag in _BLOCK_TAGS:
            self.chunks.append("\n")

    def handle_data(self, data: str) -> None:
        for name in self.fields.keys() & set(self.open):
            self.fields[name].append(data)
        if not _HIDDEN_TAGS & set(self.open):
            self.chunks.append(data)


def _read_page(html: str) -> _Page:
    reader = _PageReader()
    reader.feed(html)
    reader.close()
    title = _squash(" ".join(reader.fields["h1"] or reader.fields["title"])) or None
    caption = _squash(" ".join(reader.fields["figcaption"])) or None
    return _Page(text="".join(reader.chunks), title=title, caption=caption)


def _html_fallback(page: _Page, *, rules: BoilerplateRules) -> Extraction:
    """The page's visible text through the text cleaner; ``<h1>``/``<title>`` as title."""
    cleaned = clean_text(page.text, rules=rules)
    return replace(cleaned, title=cleaned.title or page.title)
