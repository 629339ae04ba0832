"""Event coding: verbs of a dependency parse -> CAMEO/PLOVER events with source and target.

For each verb whose lemma is in the verb dictionary (converted from PETRARCH2's CAMEO.2.0),
the most specific pattern of its block that matches the words around it gives the CAMEO code
(else the verb's own code, else the block's). Source and target come from the parse: subject
(inherited through ``xcomp``/``conj``/``advcl`` chains; the ``by`` agent in the passive), direct
object, dative and prepositional objects, or the first actor inside the object phrase. Negated,
hypothetical and interrogative clauses are not events; intent and future ("willing to",
"will") turn cooperative codes into the CAMEO 03x intent codes (and force into threats).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources

from spacy.tokens import Doc, Token

from communique.dictionaries import VerbDictionary, VerbEntry, VerbPattern, load_verb_dictionary
from communique.model import Actor, Article, Event, Mention, Offsets, Span
from communique.ontology import Ontology, load_ontology, read_data_jsonl

__all__ = ["CoderResources", "CodingRules", "code_events", "load_coder_resources"]

_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj"})
_INHERIT = frozenset({"xcomp", "conj", "advcl", "acomp"})
_CONTROL = frozenset({"xcomp", "acomp", "pcomp"})
_COMPLEMENTS = frozenset({"xcomp", "pcomp", "ccomp"})
_CORE_MODS = frozenset({"compound", "amod", "nmod", "nummod", "poss", "case"})


@dataclass(frozen=True)
class CodingRules:
    """The coder's rule tables, from ``data/coding_rules.json``."""

    intent_heads: frozenset[str]
    intent_aux: frozenset[str]
    hypothetical_marks: frozenset[str]
    hypothetical_aux: frozenset[str]
    negation_words: frozenset[str]
    negating_heads: frozenset[str]
    intent_codes: Mapping[str, str]
    statement_roots: frozenset[str]
    target_preps: frozenset[str]
    location_preps: frozenset[str]
    meeting_codes: frozenset[str]
    third_location_code: str
    reciprocal_roots: frozenset[str]
    requires_target: frozenset[str]  # PLOVER types whose events need a recipient
    denial_heads: frozenset[str]  # "denied attacking": neither the denial nor the attack
    negation_codes: Mapping[str, str]  # "will not meet" -> the matching REJECT code
    factual_aux: frozenset[str]  # "did not meet" reports a non-event, not a refusal
    obligation_aux: frozenset[str]  # "Y must withdraw", said by X: X requests it of Y
    request_codes: Mapping[str, str]  # the REQUEST code matching the act required
    light_verbs: frozenset[str]  # "staged a hunger strike": the object noun is the event
    content_nouns: frozenset[str]  # "issued a *declaration* demanding...": the demand
    occurrence_verbs: frozenset[str]  # "riots are continuing": the subject noun is the event
    event_nouns: Mapping[str, str]  # "hunger strike" -> 142, from data/event_nouns.jsonl
    post_deps: frozenset[str]
    confidence: Mapping[str, float]
    unknown_source_roots: frozenset[str]  # "three soldiers were killed": no source, still an event
    unknown_actor_code: str  # the code of the unknown source ("---", as PETRARCH writes it)
    conditional_marks: frozenset[str]  # "will boycott ... *unless*": a threat
    conditional_threat_codes: Mapping[str, str]  # the threat code matching the act's root
    plover_by_lemma: Mapping[str, tuple[str, str]]  # "08:resign": PLOVER RETREAT/resign
    background_marks: frozenset[str]  # "one day *after* a jet shot down...": background
    content_over_meeting: Mapping[str, frozenset[str]]  # "summoned X *to complain*": complaint
    decision_heads: frozenset[str]  # "decided *to allow*": the decided act is the event
    report_heads: frozenset[str]  # "..., officials *said*": a statement, whatever its code
    obligation_default_code: str  # "X said Y must drop barriers", verb unknown: a request
    inner_source_preps: frozenset[str]  # "inhabitants *of* the Golan Heights threatened"
    preparation_heads: frozenset[str] = frozenset()  # "prepared to resume shelling"
    preparation_roots: frozenset[str] = frozenset()  # ... the prepared acts that are force
    preparation_code: str = "150"  # ... a show of force (PLOVER MOBILIZE)
    joint_codes: Mapping[str, str] = field(default_factory=dict)  # joint war games: 062
    rally_codes: Mapping[str, str] = field(default_factory=dict)  # "urged X to support Y"
    rally_roots: frozenset[str] = frozenset()  # ... the appeals (02) that rally
    territorial_codes: frozenset[str] = frozenset()  # "a curfew in Cizre": the place, even own
    purpose_target_roots: frozenset[str] = frozenset()  # "struck to protest X's policy": X
    protest_nouns: frozenset[str] = frozenset()  # "*in defiance* of X"
    passive_source_codes: frozenset[str] = frozenset()  # "guerrillas were demobilized": source
    stative_passives: frozenset[str] = frozenset()  # "Israel is opposed to X": Israel opposes


def _event_nouns() -> dict[str, str]:
    return {" ".join(r["words"]): str(r["code"]) for r in read_data_jsonl("event_nouns.jsonl")}


def load_coding_rules() -> CodingRules:
    raw = json.loads(resources.files("communique.data").joinpath("coding_rules.json").read_text())
    sets = {k: frozenset(v) for k, v in raw.items() if isinstance(v, list)}
    return CodingRules(
        intent_codes=dict(raw["intent_codes"]),
        negation_codes=dict(raw["negation_codes"]),
        event_nouns=_event_nouns(),
        request_codes=dict(raw["request_codes"]),
        third_location_code=str(raw["third_location_code"]),
        unknown_actor_code=str(raw["unknown_actor_code"]),
        conditional_threat_codes=dict(raw["conditional_threat_codes"]),
        plover_by_lemma={k: (str(v[0]), str(v[1])) for k, v in raw["plover_by_lemma"].items()},
        confidence={k: float(v) for k, v in raw["confidence"].items()},
        content_over_meeting={k: frozenset(v) for k, v in raw["content_over_meeting"].items()},
        obligation_default_code=str(raw["obligation_default_code"]),
        preparation_code=str(raw["preparation_code"]),
        joint_codes=dict(raw["joint_codes"]),
        rally_codes=dict(raw["rally_codes"]),
        **sets,
    )


@dataclass(frozen=True)
class CoderResources:
    ontology: Ontology
    verbs: VerbDictionary
    rules: CodingRules
    patterns: Mapping[str, tuple[CompiledPattern, ...]]  # verbs' patterns, compiled
    forms: Mapping[str, tuple[VerbEntry, ...]] = field(default_factory=dict)  # by first word
    # (name, code) -> the further actors a several-code name stands for ("the shire", "FRO")
    co_actors: Mapping[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)


def load_coder_resources(*, verbs: VerbDictionary | None = None) -> CoderResources:
    verbs = verbs or load_verb_dictionary()
    return CoderResources(
        ontology=load_ontology(),
        verbs=verbs,
        rules=load_coding_rules(),
        patterns=compile_patterns(verbs),
        forms=forms_index(verbs),
    )


def forms_index(verbs: VerbDictionary) -> dict[str, tuple[VerbEntry, ...]]:
    """Entries by the first word of each of their listed forms ("cordoned" -> CORDON_OFF)."""
    index: dict[str, list[VerbEntry]] = {}
    for entries in verbs.verbs_by_lemma.values():
        for entry in entries:
            for first in dict.fromkeys(form.split(" ")[0] for form in entry.forms):
                index.setdefault(first, []).append(entry)
    return {word: tuple(found) for word, found in index.items()}


@dataclass(frozen=True, slots=True)
class VerbMatch:
    token: Token
    code: str
    rule: str
    specific: bool
    user: bool = False  # a user dictionary's code: coded as written (no modality rewrites)
    negation: bool = False  # the pattern itself matched the negation ("didn't clash over")
    reverse: str | None = None  # a paired code's event from the target back to the source
    target: tuple[str, int] | None = None  # the pattern's ``+``: the actor after this word
    compound: bool = False  # the pattern's ``%``: coded between a compound actor's members
    source: tuple[str, int] | None = None  # the pattern's ``$``: the source after this word
    target_before: str | None = None  # ``+ HOSTING *``: the actor before "hosting" ("": verb)


# ---------------------------------------------------------------- verb and pattern matching


def _word_set(tok: Token, *, written: bool = False) -> frozenset[str]:
    """The word and its lemma; only the word as written for a user verb file's patterns
    (PETRARCH matches pattern words as written: "efforts" is no ``EFFORT``)."""
    return frozenset({tok.lower_}) if written else frozenset({tok.lower_, tok.lemma_.lower()})


def _core(tok: Token) -> list[Token]:
    """A phrase's head with its premodifiers ("new economic sanctions")."""
    mods = [t for c in tok.lefts if c.dep_ in _CORE_MODS for t in c.subtree]
    return [*mods, tok]


def _with_preps(tok: Token) -> list[Token]:
    """A phrase's core and, one level down, its ``of`` phrases ("series of attacks")."""
    found = _core(tok)
    if tok.dep_ == "xcomp":  # "urged X *to show restraint*"
        found.extend(t for c in tok.rights if c.dep_ in {"dobj", "prt"} for t in _core(c))
        return found
    if tok.dep_ == "prep":
        found.extend(t for pobj in tok.children if pobj.dep_ == "pobj" for t in _core(pobj))
        return found
    for prep in (c for c in tok.rights if c.dep_ == "prep" and c.lower_ == "of"):
        found.append(prep)
        found.extend(t for pobj in prep.children if pobj.dep_ == "pobj" for t in _core(pobj))
    return found


def _post_context(
    verb: Token, rules: CodingRules, *, written: bool = False
) -> list[frozenset[str]]:
    """Phrase-level words after the verb: particles, object cores, prepositions and objects."""
    toks: list[Token] = []
    for child in verb.children:
        if child.i > verb.i and child.dep_ in rules.post_deps and not _is_when(child):
            toks.extend(_with_preps(child))
    return [_word_set(t, written=written) for t in sorted(toks, key=lambda t: t.i)]


def _linear_post(verb: Token) -> list[frozenset[str]]:
    """Every word after the verb in its phrase ("warned their populations *about* the Prince",
    "allowed that Mordor isn't a *really pleasant* place"): the context a user verb file's
    patterns fall back to, as PETRARCH reads its patterns along the verb phrase."""
    after = (t for t in verb.subtree if t.i > verb.i and t.dep_ != "punct")
    return [_word_set(t, written=True) for t in after]


_ADVERBIAL = frozenset({"advmod", "neg", "aux", "auxpass"})


_TIME_ENTITIES = frozenset({"DATE", "TIME"})


def _is_when(child: Token) -> bool:
    """ "*on Tuesday*", "*on* 15 October": a time phrase, never a pattern's preposition."""
    if child.dep_ != "prep":
        return False
    objects = [c for c in child.children if c.dep_ == "pobj"]
    return bool(objects) and all(o.ent_type_ in _TIME_ENTITIES for o in objects)


def _pre_context(verb: Token, *, written: bool = False) -> list[frozenset[str]]:
    """Phrase-level words before the verb: subject cores, adverbials and auxiliaries whole
    ("most certainly really did not even ever *clash*"), and the verb that governs it from the
    left ("*indicated* it would act")."""
    left = [c for c in verb.children if c.i < verb.i and c.dep_ != "punct"]
    toks = [t for c in left for t in (c.subtree if c.dep_ in _ADVERBIAL else _subject_core(c))]
    if verb.dep_ in _COMPLEMENTS and verb.head.i < verb.i:  # "*indicated* it would act now"
        toks.append(verb.head)
    return [_word_set(t, written=written) for t in sorted(toks, key=lambda t: t.i)]


def _subject_core(tok: Token) -> list[Token]:
    """A left dependent's core; a subject's with its ``of`` phrases ("the first deployment *of
    NATO peacekeeping troops* arrived")."""
    return _with_preps(tok) if tok.dep_ in _SUBJECTS else _core(tok)


@dataclass(frozen=True, slots=True)
class _PatternSlot:
    """One pattern slot: its alternatives split into words, and their first words."""

    alternatives: tuple[tuple[str, ...], ...]
    firsts: frozenset[str]


@dataclass(frozen=True, slots=True)
class CompiledPattern:
    pattern: VerbPattern
    pre: tuple[_PatternSlot, ...]
    post: tuple[_PatternSlot, ...]
    size: int
    pre_key: frozenset[str] = field(init=False)  # the fewest first words of a slot before
    post_key: frozenset[str] = field(init=False)  # ... and after the verb (an empty side: {})

    def __post_init__(self) -> None:
        object.__setattr__(self, "pre_key", _key(self.pre))
        object.__setattr__(self, "post_key", _key(self.post))


def _key(slots: Sequence[_PatternSlot]) -> frozenset[str]:
    """The most selective slot's first words: a side whose words include none of them cannot
    match (a quick test before :func:`_subsequence`); no slots: no test (empty key)."""
    return min((slot.firsts for slot in slots), key=len, default=frozenset())


def _compile_slot(alternatives: Sequence[str]) -> _PatternSlot:
    split = tuple(tuple(alt.split(" ")) for alt in alternatives)
    return _PatternSlot(alternatives=split, firsts=frozenset(parts[0] for parts in split))


def _words(slots: Sequence[Sequence[str]]) -> int:
    """A pattern side's specificity: its words (a joined ``NEW_&TIES`` slot counts each)."""
    return sum(min(len(alt.split(" ")) for alt in slot) for slot in slots if slot)


def compile_patterns(verbs: VerbDictionary) -> dict[str, tuple[CompiledPattern, ...]]:
    """Patterns by block, their slots pre-split once at load time."""
    compiled: dict[str, tuple[CompiledPattern, ...]] = {}
    for block, patterns in verbs.patterns_by_block.items():
        compiled[block] = tuple(
            CompiledPattern(
                p,
                tuple(map(_compile_slot, p.pre)),
                tuple(map(_compile_slot, p.post)),
                _words(p.pre) + _words(p.post),
            )
            for p in patterns
        )
    return compiled


def _slot_at(slot: _PatternSlot, words: Sequence[frozenset[str]], pos: int) -> int:
    """Words consumed when the slot (possibly multi-word) matches at ``pos``, else 0."""
    if slot.firsts.isdisjoint(words[pos]):
        return 0
    best = 0
    for parts in slot.alternatives:
        fits = pos + len(parts) <= len(words)
        if fits and all(p in words[pos + k] for k, p in enumerate(parts)):
            best = max(best, len(parts))
    return best


def _subsequence(
    slots: Sequence[_PatternSlot], words: Sequence[frozenset[str]], vocab: frozenset[str]
) -> bool:
    """Every slot matches, in order, with any words in between."""
    if any(slot.firsts.isdisjoint(vocab) for slot in slots):
        return False
    pos = 0
    for slot in slots:
        while pos < len(words) and not _slot_at(slot, words, pos):
            pos += 1
        if pos == len(words):
            return False
        pos += _slot_at(slot, words, pos)
    return True


def _best_pattern(
    patterns: Sequence[CompiledPattern],
    pre: Sequence[frozenset[str]],
    post: Sequence[frozenset[str]],
) -> VerbPattern | None:
    """The matching pattern with the most slots (the first of equals)."""
    pre_vocab, post_vocab = frozenset().union(*pre), frozenset().union(*post)
    best: CompiledPattern | None = None
    for c in patterns:
        if best is not None and c.size <= best.size:
            continue
        if (c.post_key and c.post_key.isdisjoint(post_vocab)) or (
            c.pre_key and c.pre_key.isdisjoint(pre_vocab)
        ):
            continue
        if _subsequence(c.post, post, post_vocab) and _subsequence(c.pre, pre, pre_vocab):
            best = c
    return best.pattern if best else None


def _pattern_of(
    verb: Token, patterns: Sequence[CompiledPattern], rules: CodingRules
) -> VerbPattern | None:
    """The most specific matching pattern; a user verb file's patterns match the words as
    written, and when none matches at phrase level, along the whole verb phrase."""
    packaged = [c for c in patterns if not c.pattern.user]
    user = [c for c in patterns if c.pattern.user]
    found = _best_pattern(packaged, _pre_context(verb), _post_context(verb, rules))
    if not user:
        return found
    pre = _pre_context(verb, written=True)
    mine = _best_pattern(user, pre, _post_context(verb, rules, written=True))
    if mine is None and found is None:  # PETRARCH's patterns read the words of the verb phrase
        mine = _best_pattern(user, pre, _linear_post(verb))
    if found is None or mine is None:
        return mine or found
    sizes = {c.pattern.id: c.size for c in patterns}
    return mine if sizes[mine.id] >= sizes[found.id] else found


def _fitting_entries(verb: Token, entries: Sequence[VerbEntry]) -> list[VerbEntry]:
    """Entries whose extra words ("meet *with*") follow the verb, longest first."""
    if not entries:
        return []
    several = any(len(e.words) > 1 for e in entries)
    following = {c.lower_ for c in verb.rights} if several else set()
    fitting = [e for e in entries if all(w in following for w in e.words[1:])]
    return sorted(fitting, key=lambda e: -len(e.words))


def _noun_event(verb: Token, rules: CodingRules) -> VerbMatch | None:
    """ "staged a 24-hour *hunger strike*": a light verb whose object names the event; "*riots*
    are continuing": a verb of occurrence whose subject names it."""
    deps = {"dobj", "nsubjpass"} if _is_light(verb, rules.light_verbs) else set()
    if verb.lemma_.lower() in rules.occurrence_verbs and not any(
        c.dep_ == "dobj" for c in verb.children
    ):
        deps.add("nsubj")
    for obj in (c for c in verb.children if c.dep_ in deps):
        whole = _of_noun(obj, rules.event_nouns)
        if whole is not None:  # "declared a *state of siege*"
            return VerbMatch(verb, rules.event_nouns[whole], f"noun {whole}", specific=True)
        mods = [t.lower_ for t in _core(obj)[:-1] if t.dep_ != "poss" and t.pos_ != "DET"]
        for head in dict.fromkeys((obj.lower_, obj.lemma_.lower())):
            phrase = _longest_known([*mods, head], rules.event_nouns)
            if phrase is not None:
                return VerbMatch(verb, rules.event_nouns[phrase], f"noun {phrase}", specific=True)
    return None


def _of_noun(obj: Token, nouns: Mapping[str, str]) -> str | None:
    """ "a 30-day *state of siege*": an event noun written with its ``of`` phrase."""
    for prep in (c for c in obj.rights if c.dep_ == "prep" and c.lower_ == "of"):
        for pobj in (c for c in prep.children if c.dep_ == "pobj"):
            phrase = f"{obj.lower_} of {pobj.lower_}"
            if phrase in nouns:
                return phrase
    return None


def _is_light(verb: Token, light: frozenset[str]) -> bool:
    """By lemma, or by regular inflection when the lemmatiser stumbles ("staged" -> "stag")."""
    word = verb.lower_
    stems = {word[:-1], word[:-2], word[:-3]} if word.endswith(("d", "s", "ing")) else set()
    return verb.lemma_.lower() in light or bool(stems & light)


def _longest_known(words: Sequence[str], table: Mapping[str, str]) -> str | None:
    """The longest tail of ``words`` that is a key of ``table`` ("24-hour hunger strike")."""
    for start in range(len(words)):
        phrase = " ".join(words[start:])
        if phrase in table:
            return phrase
    return None


def _listed(verb: Token, res: CoderResources) -> list[VerbEntry]:
    """The fitting entries written as the verb is (an inflected block head, ``--- MET
    [031:032] ---``, is matched as written, as PETRARCH keys its verbs by written form); else
    those of its lemma; when it has none, those listing the word among their forms ("cordoned",
    lemmatised "cordone": ``CORDON_OFF {+CORDONED_OFF}``)."""
    lemma, written = verb.lemma_.lower(), verb.lower_
    by_lemma = res.verbs.verbs_by_lemma
    found = _fitting_entries(verb, by_lemma.get(written, ())) if written != lemma else []
    found = found or _fitting_entries(verb, by_lemma.get(lemma, ()))
    return found or _fitting_entries(verb, res.forms.get(written, ()))


def match_verb(verb: Token, res: CoderResources) -> VerbMatch | None:
    """The most specific pattern of any fitting verb block, else the verb's or block's code."""
    verbs, rules = res.verbs, res.rules
    entries = _listed(verb, res)
    blocks = dict.fromkeys(e.block for e in entries)
    patterns = [p for b in blocks for p in res.patterns.get(b, ())]
    pattern = _pattern_of(verb, patterns, rules)
    if pattern is not None:
        negation = not pattern.words().isdisjoint(rules.negation_words)
        rule = f"pattern {pattern.id}"
        return VerbMatch(
            verb, pattern.code, rule, specific=True, user=pattern.user, negation=negation,
            reverse=pattern.reverse, target=pattern.target, compound=pattern.compound,
            source=pattern.source, target_before=pattern.target_before,
        )  # fmt: skip
    noun = _noun_event(verb, rules)
    if noun is not None:
        return noun
    for entry in entries:
        code = entry.code or verbs.block_codes.get(entry.block)
        if code:
            rule = f"verb {entry.block}:{' '.join(entry.words)}"
            return VerbMatch(
                verb, code, rule, specific=False, user=entry.user, reverse=entry.reverse
            )
    return None


# ---------------------------------------------------------------- clause properties


def _chain(verb: Token, links: frozenset[str]) -> Iterator[Token]:
    """The verb, then the heads it hangs from through the given dependency links."""
    tok = verb
    yield tok
    while tok.dep_ in links and tok.head.i != tok.i:
        tok = tok.head
        yield tok


def _clause_chain(verb: Token) -> Iterator[Token]:
    """The verb and the heads it inherits its subject from (xcomp, acomp, conj, advcl)."""
    return _chain(verb, _INHERIT)


def _has_negation(tok: Token, rules: CodingRules) -> bool:
    return any(c.dep_ == "neg" or c.lower_ in rules.negation_words for c in tok.children)


def is_negated(verb: Token, rules: CodingRules) -> bool:
    """ "did not meet", "refused to meet", "denied attacking" (not across conjuncts)."""
    for tok in _chain(verb, _CONTROL):
        if _has_negation(tok, rules):
            return True
        if tok.i != verb.i and tok.lemma_.lower() in rules.negating_heads:
            return True
    return False


def negated_code(verb: Token, code: str, rules: CodingRules) -> str | None:
    """ "will not accept": the REJECT code of a plainly negated cooperative act.

    Only a ``not``/``never`` on the verb or the verbs controlling it counts; an act refused by a
    governing verb ("refused to allow") is that verb's event instead, and a past non-event
    ("did not meet") is no event at all.
    """
    chain = list(_chain(verb, _CONTROL))
    if not any(_has_negation(tok, rules) for tok in chain):
        return None
    if any(t.lemma_.lower() in rules.negating_heads for t in chain if t.i != verb.i):
        return None
    auxes = {c.lower_ for t in chain for c in t.children if c.dep_ in {"aux", "auxpass"}}
    if auxes & rules.factual_aux:
        return None
    return _mapped(code, rules.negation_codes)


def _is_question(verb: Token) -> bool:
    """Whether the verb's sentence ends with a question mark (trailing whitespace aside)."""
    for tok in reversed(verb.sent):
        text = tok.text.rstrip()
        if text:
            return text.endswith("?")
    return False


def is_hypothetical(verb: Token, rules: CodingRules) -> bool:
    if _is_question(verb):
        return True
    for tok in _chain(verb, _CONTROL | {"conj"}):
        for child in tok.children:
            if child.dep_ == "mark" and child.lower_ in rules.hypothetical_marks:
                return True
            if child.dep_ == "mark" and child.lower_ in rules.conditional_marks:
                return True  # the condition of an ultimatum ("unless the president *resigns*")
            if child.dep_ == "aux" and child.lower_ in rules.hypothetical_aux:
                return True
            if child.dep_ == "advcl" and _marked(child, rules.hypothetical_marks):
                return True  # "X would attack if Y..."
    return False


def conditional_intent(verb: Token, rules: CodingRules) -> bool:
    """ "X would meet Y *if* he gave them a veto", "may halt mediation *if* cooperation
    founders": an act announced with a modal (``will/would/may``...) on an ``if`` condition is
    an offer or a threat (PLOVER: AGREE is a future cooperative act, THREATEN an act of force
    plus a hypothetical), not a hypothetical; the condition itself stays no event."""
    if verb.sent.text.rstrip().endswith("?"):
        return False
    modals = rules.intent_aux | rules.hypothetical_aux
    for tok in _chain(verb, _CONTROL | {"conj"}):
        if any(c.dep_ == "mark" and c.lower_ in rules.hypothetical_marks for c in tok.children):
            return False
        conditioned = any(
            c.dep_ == "advcl" and _marked(c, rules.hypothetical_marks) for c in tok.children
        )
        if conditioned and any(c.dep_ == "aux" and c.lower_ in modals for c in tok.children):
            return True
    return False


def _conditional(verb: Token, rules: CodingRules) -> bool:
    """ "X will withdraw its troops *unless* Y ...": an ultimatum on the verb or its controllers."""
    for tok in _chain(verb, _CONTROL | {"conj"}):
        if any(c.dep_ == "advcl" and _marked(c, rules.conditional_marks) for c in tok.children):
            return True
    return False


def _marked(clause: Token, marks: frozenset[str]) -> bool:
    return any(c.dep_ == "mark" and c.lower_ in marks for c in clause.children)


def _infinitival(tok: Token) -> bool:
    """ "sworn *to fight*" parsed as an adverbial clause: an infinitive all the same."""
    return tok.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)


def _controllers(verb: Token) -> Iterator[Token]:
    """The verb, then the verbs it is the complement (or infinitive, or conjunct) of."""
    tok = verb
    yield tok
    while (tok.dep_ in _CONTROL | {"conj"} or _infinitival(tok)) and tok.head.i != tok.i:
        tok = tok.head
        yield tok


def is_intent(verb: Token, rules: CodingRules) -> bool:
    """ "willing to", "pledged to", "will" on the verb, its controllers or its first conjunct."""
    for tok in _controllers(verb):
        if tok.i != verb.i and tok.lemma_.lower() in rules.intent_heads:
            return True
        if any(c.dep_ == "aux" and c.lower_ in rules.intent_aux for c in tok.children):
            return True
    return False


def intent_code(code: str, rules: CodingRules) -> str:
    """Map a code to its intent form (``06x`` -> ``031x``, force -> threat), if it has one."""
    return _mapped(code, rules.intent_codes) or code


# ---------------------------------------------------------------- source and target


@dataclass(frozen=True, slots=True)
class _Slot:
    mentions: tuple[Mention, ...]
    inherited: bool
    unread: bool = False  # a subject we could not resolve (a pronoun, a name): not "unknown"


def _conjuncts(tok: Token) -> list[Token]:
    """The token and its conjuncts; an apposition that heads a coordination is a list member
    ("Mordor, *the Shire*, Fornost and Bree")."""
    found = [tok]
    stack = [c for c in tok.children if _list_member(c)]
    while stack:
        conj = stack.pop(0)
        found.append(conj)
        stack.extend(c for c in conj.children if _list_member(c))
    return found


def _list_member(tok: Token) -> bool:
    """A conjunct, or an apposition inside a coordination: heading one, or followed by a
    conjunct of its head ("Evil Mordor, *the awful Fornost*, and good Gondor")."""
    if tok.dep_ == "conj":
        return True
    if tok.dep_ != "appos":
        return False
    later = (c for c in tok.head.children if c.dep_ == "conj" and c.i > tok.i)
    return any(c.dep_ == "conj" for c in tok.children) or any(True for _ in later)


def _mentions_of(heads: Sequence[Token], mentions: Mapping[int, Mention]) -> tuple[Mention, ...]:
    return tuple(mentions[h.i] for h in heads if h.i in mentions)


def _agent_of(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ == "agent":
            return next((c for c in child.children if c.dep_ == "pobj"), None)
    return None


def _subject(verb: Token) -> Token | None:
    passive = any(c.dep_ == "nsubjpass" for c in verb.children)
    if passive:
        return _agent_of(verb)
    return next((c for c in verb.children if c.dep_ in _SUBJECTS), None)


def _speaker(clause: Token, mentions: Mapping[int, Mention]) -> tuple[Mention, ...]:
    """ "Syria says *it* is willing...": a pronoun subject of reported speech is the speaker."""
    tok = clause
    while tok.dep_ in {"ccomp", "xcomp", "conj"} and tok.head.i != tok.i:
        tok = tok.head
        subject = _participle_subject(_subject(tok))
        if subject is not None and subject.i in mentions:
            return _mentions_of(_conjuncts(subject), mentions)
    return ()


def _participle_subject(subject: Token | None) -> Token | None:
    """ "The Red Cross *operating* in Iraq said": a participle parsed as the subject stands for
    the noun it was said of (its own subject)."""
    if subject is None or subject.pos_ != "VERB":
        return subject
    return next((c for c in subject.children if c.dep_ in _SUBJECTS), subject)


def _inner_actor(
    head: Token, mentions: Mapping[int, Mention], rules: CodingRules
) -> tuple[Mention, ...]:
    """ "*inhabitants* of the Syrian Golan Heights": the first actor with a country inside the
    head's of/from phrase, when the head itself is no actor."""
    preps = [c for c in head.rights if c.dep_ == "prep" and c.lower_ in rules.inner_source_preps]
    for prep in preps:
        for tok in prep.subtree:
            mention = mentions.get(tok.i)
            if mention is not None and mention.actor.country:
                return (mention,)
    return ()


def _shared_subject(tok: Token, via: Token | None) -> Token | None:
    """The subject a clause takes from ``tok``, reached from its conjunct ``via``: "X was
    indicted by the court and *will resign*" shares X, the passive's subject, not its agent."""
    active = via is not None and not any(c.dep_ in {"nsubjpass", "auxpass"} for c in via.children)
    if via is not None and via.dep_ == "conj" and active:
        passive = next((c for c in tok.children if c.dep_ == "nsubjpass"), None)
        if passive is not None:
            return passive
    return _subject(tok)


def _co_subjects(subject: Token) -> list[Token]:
    """The subject and the verb's other subjects of its kind: a list the parse splits ("Lions,
    tigers, and *Gondor* welcomed", "Old foes *Gondor* and Osgiliath")."""
    if subject.dep_ not in _SUBJECTS:
        return [subject]
    others = [c for c in subject.head.children if c.dep_ == subject.dep_ and c.i != subject.i]
    return [subject, *others]


def find_source(verb: Token, mentions: Mapping[int, Mention], rules: CodingRules) -> _Slot:
    if _content_clause(verb, rules):  # "X issued a declaration *demanding*": X demands
        carrier = find_source(verb.head.head, mentions, rules)
        return replace(carrier, inherited=True)
    via: Token | None = None
    for depth, tok in enumerate(_clause_chain(verb)):
        subject = _shared_subject(tok, via)
        via = tok
        if subject is None:
            continue
        if subject.tag_ == "PRP":  # reported speech: the speaker; else the pronoun's antecedent
            speaker = _speaker(tok, mentions)
            if speaker or subject.i not in mentions:
                return _Slot(speaker, inherited=True, unread=True)
        relative = subject.tag_ in {"WP", "WDT"} and tok.dep_ == "relcl"
        if relative:  # "a woman *who* shot at US officers": the noun the clause modifies
            subject = tok.head
        found = _mentions_of([t for s in _co_subjects(subject) for t in _conjuncts(s)], mentions)
        unread = subject.pos_ in {"PROPN", "PRON"}  # a name we do not know is not "unknown"
        if not found and not unread and depth == 0 and subject.dep_ == "nsubj":
            inner = _inner_actor(subject, mentions, rules)
            if inner:
                return _Slot(inner, inherited=True)
        return _Slot(found, inherited=depth > 0 or relative, unread=not found and unread)
    return _Slot((), inherited=False)


def _object_heads(verb: Token, rules: CodingRules) -> list[Token]:
    heads: list[Token] = []
    passive_subject = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    if passive_subject is not None and _agent_of(verb) is not None:
        heads.append(passive_subject)
    heads.extend(c for c in verb.children if c.dep_ in {"dobj", "dative", "attr", "oprd"})
    for prep in (c for c in verb.children if c.dep_ == "prep" and c.lower_ in rules.target_preps):
        heads.extend(c for c in prep.children if c.dep_ == "pobj")
    return heads


def find_target(
    verb: Token, mentions: Mapping[int, Mention], rules: CodingRules, source: Sequence[Mention]
) -> tuple[Mention, ...]:
    """Direct actors first (objects, datives, prepositional objects), then actors inside them."""
    taken = {m.actor.code for m in source}
    heads = [h for h in _object_heads(verb, rules) if not _own_sector(h, mentions)]
    direct = [m for m in _mentions_of([c for h in heads for c in _conjuncts(h)], mentions)]
    direct = [m for m in direct if m.actor.code not in taken]
    countried = [m for m in direct if m.actor.country]
    if countried:
        return tuple(countried)
    for head in heads:
        inside = [t for t in head.subtree if t.i != head.i and not _is_place_object(t, rules)]
        inner = _outermost([t for t in inside if t.i in mentions], mentions, taken)
        if inner:  # "ties between *Gondor and Osgiliath*": the first actor and its conjuncts
            return tuple(
                m for m in _mentions_of(_conjuncts(inner[0]), mentions) if _other(m, taken)
            )
    if direct:
        return tuple(direct[:1])
    return _clause_subject(verb, mentions, taken)


def _place_target(
    verb: Token,
    mentions: Mapping[int, Mention],
    rules: CodingRules,
    sources: Sequence[Mention],
    *,
    own: bool = False,
) -> tuple[Mention, ...]:
    """ "criticized the closure of guest houses *in Bree*": with no other target, an actor
    named in a location or ``of`` phrase of the verb or of its objects (PETRARCH's reading),
    unless it could be the source's own country ("*protesters* marched in Cairo": a source
    without a country is taken to be the place's)."""
    if not sources or any(m.actor.country is None for m in sources):
        return ()
    taken = {m.actor.code for m in sources}
    if not own:  # "imposed a curfew *in Cizre*" (own): the place is the target all the same
        taken |= {m.actor.country or "" for m in sources}
    heads = [verb, *(c for c in verb.children if c.i > verb.i and c.dep_ in rules.post_deps)]
    for head in heads:
        inside = head.children if head.i == verb.i else head.subtree
        preps = rules.location_preps | {"of"}  # "warned *of* the Prince of Dol Amroth"
        for tok in (t for t in inside if t.dep_ == "prep" and t.lower_ in preps):
            found = [m for m in _mentions_of(_pobjs(tok), mentions) if _other(m, taken)]
            if found:
                return tuple(found)
    return ()


def _purpose_target(
    verb: Token, mentions: Mapping[int, Mention], rules: CodingRules, sources: Sequence[Mention]
) -> tuple[Mention, ...]:
    """ "began a hunger strike *to protest President Assad's failure*", "demonstrated *calling
    for independence from Iraq*", "*in defiance of Chinese authorities*": a protest is aimed at
    the first actor of its purpose clause (an infinitive or participle on the verb, or an ``in``
    phrase of protest), the one protested against (PLOVER PROTEST's recipient)."""
    taken = {m.actor.code for m in sources}
    for child in (c for c in verb.children if c.i > verb.i):
        purpose = _purpose_clause(child) or _protest_phrase(child, rules)
        if not purpose:
            continue
        inner = _outermost([t for t in child.subtree if t.i in mentions], mentions, taken)
        if inner:
            return tuple(
                m for m in _mentions_of(_conjuncts(inner[0]), mentions) if _other(m, taken)
            )
    return ()


def _purpose_clause(clause: Token) -> bool:
    """An infinitive or participle clause on the verb ("*to protest* X", "*calling for* X"), or
    an unmarked one; not a finite time clause ("... while police watched", "after troops
    shelled the border")."""
    if clause.dep_ == "xcomp":
        return True
    if clause.dep_ != "advcl":
        return False
    marked = any(c.dep_ == "mark" for c in clause.children)
    return not marked or _infinitival(clause) or clause.tag_ == "VBG"


def _protest_phrase(prep: Token, rules: CodingRules) -> bool:
    """ "*in defiance of* X", "*in protest against* X" (not a place: "in Nairobi")."""
    if prep.dep_ != "prep" or prep.lower_ != "in":
        return False
    return any(c.lemma_.lower() in rules.protest_nouns for c in prep.children if c.dep_ == "pobj")


def _first_after(
    verb: Token, mentions: Mapping[int, Mention], sources: Sequence[Mention]
) -> tuple[Mention, ...]:
    """ "toll has risen in the dispute *with Osgiliath*": with no other target, a user verb
    file's event goes to the first actor after the verb in its phrase (PETRARCH's reading:
    "begun to question whether he has a future *with the Morgul Orcs*"), not the source's."""
    taken = {m.actor.code for m in sources}
    for tok in verb.subtree:
        if tok.i <= verb.i or tok.i not in mentions:
            continue
        mention = mentions[tok.i]
        if mention.actor.code not in taken and (mention.actor.country or mention.actor.agent):
            return _mentions_of(_conjuncts(tok), mentions)
    return ()


def _pobjs(prep: Token) -> list[Token]:
    return [t for c in prep.children if c.dep_ == "pobj" for t in _conjuncts(c)]


def _outermost(
    tokens: Sequence[Token], mentions: Mapping[int, Mention], taken: set[str]
) -> list[Token]:
    """The tokens of country actors, less those inside another's phrase ("the *Gondor* main
    opposition group": the group, GONMOP, not Gondor)."""
    spans = [mentions[t.i].span for t in tokens]
    return [
        t
        for t, span in zip(tokens, spans, strict=True)
        if _other(mentions[t.i], taken)
        and not any(o != span and o.start <= span.start and span.end <= o.end for o in spans)
    ]


def _other(mention: Mention, taken: set[str]) -> bool:
    """A country actor that is not one of the sources."""
    return bool(mention.actor.country) and mention.actor.code not in taken


def _own_sector(head: Token, mentions: Mapping[int, Mention]) -> bool:
    """ "strengthened *its troops*": a sector-only object owned by a pronoun is the source's own."""
    mention = mentions.get(head.i)
    owned = any(c.dep_ == "poss" and c.tag_ == "PRP$" for c in head.children)
    return owned and mention is not None and mention.actor.country is None


def _clause_subject(
    verb: Token, mentions: Mapping[int, Mention], taken: set[str]
) -> tuple[Mention, ...]:
    """ "demanded that *the US* cancel": the subject of a complement clause is the target."""
    for comp in (c for c in verb.children if c.dep_ == "ccomp"):
        subject = _subject(comp)
        if subject is not None and subject.i in mentions:
            found = _mentions_of(_conjuncts(subject), mentions)
            return tuple(m for m in found if m.actor.code not in taken)
    return ()


def _is_place_object(tok: Token, rules: CodingRules) -> bool:
    """ "in Brussels": the object of a location preposition is a place, not a target."""
    return tok.dep_ == "pobj" and tok.head.lower_ in rules.location_preps


def _complement_target(
    verb: Token, mentions: Mapping[int, Mention], rules: CodingRules, source: Sequence[Mention]
) -> tuple[Mention, ...]:
    """ "threatened to launch an operation *against* Y": the complement's target."""
    for comp in (c for c in verb.children if c.dep_ == "xcomp"):
        found = find_target(comp, mentions, rules, source)
        if found:
            return found
    return ()


# ---------------------------------------------------------------- assembling events


@dataclass(frozen=True, slots=True)
class _Candidate:
    match: VerbMatch
    code: str
    source: Mention | None  # None: unknown ("three soldiers were killed in an ambush")
    target: Mention | None
    inherited: bool
    intent: bool


def _pairs(
    sources: Sequence[Mention],
    targets: Sequence[Mention],
    code: str,
    rules: CodingRules,
    *,
    user: bool = False,
) -> Iterator[tuple[Mention | None, Mention | None]]:
    """Source-target pairs; an unknown source only for CAMEO's codes (a user verb file's event
    needs a source actor, as in PETRARCH)."""
    if not sources and code[:2] in rules.unknown_source_roots and not user:
        for t in targets:  # "three soldiers were killed": the attacker is unknown
            yield None, t
    elif targets:
        for s in sources:
            for t in targets:
                yield s, t
    elif len(sources) > 1 and code[:2] in rules.reciprocal_roots:
        for s in sources:
            for t in sources:
                if s.actor.code != t.actor.code:
                    yield s, t
    else:
        for s in sources:
            yield s, None


def _first_conjunct(verb: Token) -> Token:
    """ "to show restraint and *to respect* rights": the conjunct that carries the link."""
    tok = verb
    while tok.dep_ == "conj" and tok.head.i != tok.i:
        tok = tok.head
    return tok


def _subsumed(verb: Token, match: VerbMatch, res: CoderResources) -> bool:
    """Whether another verb's event covers this one.

    A complement of a coded verb belongs to that verb's event ("called on X *to agree*",
    "threatened *to launch*"), except under intent verbs ("agreed *to hold talks*"), where the
    complement is the event and the intent verb's own code is dropped instead.
    """
    rules = res.rules
    lemma = verb.lemma_.lower()
    if lemma in rules.intent_heads | rules.denial_heads | rules.decision_heads:
        comps = [c for c in verb.children if c.dep_ in _COMPLEMENTS and c.pos_ == "VERB"]
        if lemma in rules.denial_heads and comps:
            return True
        infinitives = [c for c in verb.children if c.dep_ == "xcomp" or _infinitival(c)]
        if any(match_verb(c, res) for c in infinitives if c.pos_ == "VERB"):
            return True
    if _statement(verb, match.code, rules) and any(c.dep_ == "ccomp" for c in verb.children):
        return True  # a statement that carries a coded event of its own is subordinate to it
    if _purpose_content(verb, match, res) is not None:
        return True  # "summoned the ambassador to complain": the complaint is the event
    if _carried_content(verb, res):
        return True  # "issued a declaration demanding...": the demand is the event
    first = _first_conjunct(verb)
    head = first.head
    if match.user and first.dep_ == "advcl" and _coded_control(head, res):
        return True  # "Arnor is about to restore ties ... after crowds burned its embassy"
    if first.dep_ not in _COMPLEMENTS | {"advcl"} or head.pos_ != "VERB":
        return False
    if head.lemma_.lower() in rules.intent_heads | rules.decision_heads:
        return False
    governing = match_verb(head, res)
    if governing is not None and _content_of_meeting(governing, match, rules):
        return False
    return governing is not None and not _statement(head, governing.code, rules)


def _coded_control(head: Token, res: CoderResources) -> bool:
    """Whether ``head`` or a verb it controls ("is about *to restore*") has a coded event that
    is no statement: PETRARCH codes an adverbial clause of a coded verb phrase with it."""
    stack = [head]
    while stack:
        tok = stack.pop()
        found = match_verb(tok, res) if tok.pos_ == "VERB" else None
        if found is not None and not _statement(tok, found.code, res.rules):
            return True
        stack.extend(c for c in tok.children if c.dep_ in _CONTROL)
    return False


def _statement(verb: Token, code: str, rules: CodingRules) -> bool:
    """A statement code, or a reporting verb whatever its code ("officials *said*")."""
    return code[:2] in rules.statement_roots or verb.lemma_.lower() in rules.report_heads


def _content_clause(verb: Token, rules: CodingRules) -> bool:
    """ "a *declaration* demanding that...": a clause on the object noun of a statement."""
    noun = verb.head
    return (
        verb.dep_ == "acl"
        and noun.lemma_.lower() in rules.content_nouns
        and noun.dep_ == "dobj"
        and noun.head.pos_ == "VERB"
    )


def _carried_content(verb: Token, res: CoderResources) -> bool:
    """Whether the verb's object noun carries a coded content clause."""
    clauses = [c for o in verb.children if o.dep_ == "dobj" for c in o.children]
    return any(
        _content_clause(c, res.rules) and match_verb(c, res) is not None
        for c in clauses
        if c.pos_ == "VERB"
    )


def _content_of_meeting(meeting: VerbMatch, content: VerbMatch, rules: CodingRules) -> bool:
    """A meeting held to complain, demand, reject or threaten is coded for its content."""
    return content.code[:2] in rules.content_over_meeting.get(meeting.code[:2], frozenset())


def _meeting_target(
    verb: Token, mentions: Mapping[int, Mention], res: CoderResources, source: Sequence[Mention]
) -> tuple[Mention, ...]:
    """ "summoned *the ambassador* to complain": the one met is the complaint's target."""
    head = verb.head
    if verb.dep_ not in {"xcomp", "advcl"} or head.i == verb.i or head.pos_ != "VERB":
        return ()
    meeting = match_verb(head, res)
    if meeting is None or _purpose_content(head, meeting, res) is None:
        return ()
    return find_target(head, mentions, res.rules, source)


def _purpose_content(verb: Token, match: VerbMatch, res: CoderResources) -> Token | None:
    """The purpose clause ("to complain") that carries a meeting verb's content, if any."""
    if match.code[:2] not in res.rules.content_over_meeting:
        return None
    purposes = [c for c in verb.children if c.dep_ == "xcomp" or _infinitival(c)]
    for comp in (c for c in purposes if c.pos_ == "VERB"):
        inner = match_verb(comp, res)
        if inner is not None and _content_of_meeting(match, inner, res.rules):
            return comp
    return None


def _refusal(verb: Token, res: CoderResources) -> VerbMatch | None:
    """ "refused to meet": the REJECT code matching the refused act (125), if there is one."""
    rules = res.rules
    if verb.lemma_.lower() not in rules.negating_heads:
        return None
    for comp in (c for c in verb.children if c.dep_ == "xcomp"):
        inner = match_verb(comp, res)
        mapped = _mapped(inner.code, rules.negation_codes) if inner else None
        if inner is not None and mapped:
            return VerbMatch(verb, mapped, f"{inner.rule} +refused", specific=True)
    return None


def _preparation(verb: Token, res: CoderResources) -> VerbMatch | None:
    """ "the army prepared to *resume shelling*": preparing an act of force is a show of force
    (CAMEO 150, PLOVER MOBILIZE; the CAMEO codebook's example of 150)."""
    rules = res.rules
    if verb.lemma_.lower() not in rules.preparation_heads:
        return None
    for comp in (c for c in verb.children if c.dep_ == "xcomp" and c.pos_ == "VERB"):
        inner = match_verb(comp, res)
        if inner is not None and inner.code[:2] in rules.preparation_roots:
            code = rules.preparation_code
            return VerbMatch(verb, code, f"{inner.rule} +preparation", specific=True)
    return None


def _rallied(
    verb: Token, match: VerbMatch, mentions: Mapping[int, Mention], res: CoderResources
) -> tuple[VerbMatch, Token] | None:
    """ "urged the EC *to support* the PLO": an appeal to a third party to support (oppose) an
    actor rallies support for (opposition against) it (CAMEO 053 / 113, codebook): the code of
    ``rally_codes`` for the complement's root, and the complement's target as target - only
    when the complement names one ("urged voters to support the constitution" is an appeal)."""
    rules = res.rules
    if match.code[:2] not in rules.rally_roots or match.user:
        return None
    for comp in (c for c in verb.children if c.dep_ == "xcomp" and c.pos_ == "VERB"):
        inner = match_verb(comp, res)
        code = _mapped(inner.code, rules.rally_codes) if inner is not None else None
        supported = code is not None and find_target(comp, mentions, rules, ())
        if inner is not None and code is not None and supported:
            return VerbMatch(verb, code, f"{match.rule} +rally", specific=True), comp
    return None


def _joint(match: VerbMatch, sources: Sequence[Mention], rules: CodingRules) -> VerbMatch:
    """ "French and Egyptian warships launched war games": a show of force by the forces of
    several countries together is military cooperation (CAMEO 062: "joint military games and
    maneuvers"), coded between them."""
    code = rules.joint_codes.get(match.code)
    countries = {m.actor.country for m in sources if m.actor.country}
    if code is None or len(countries) < 2:
        return match
    return replace(match, code=code, rule=f"{match.rule} +joint")


def _mapped(code: str, table: Mapping[str, str]) -> str | None:
    """The table's entry for the code's most specific prefix."""
    for size in (len(code), 3, 2):
        found = table.get(code[:size])
        if found:
            return found
    return None


def _obligation(
    verb: Token, match: VerbMatch, mentions: Mapping[int, Mention], res: CoderResources
) -> list[_Candidate] | None:
    """ "X said Y must withdraw": a REQUEST from the speaker X to the obliged Y."""
    rules = res.rules
    holder = _obliged_clause(verb, rules)
    if holder is None:
        return None
    speakers = _speaker(holder, mentions)
    subject = _subject(holder)
    code = _mapped(match.code, rules.request_codes)
    if not speakers or subject is None or subject.i not in mentions or code is None:
        return None
    target = mentions[subject.i]
    if any(s.actor.code == target.actor.code for s in speakers):
        return None  # "Ethiopia indicated *it* should have acted": no request to itself
    request = VerbMatch(verb, code, match.rule + " +obligation", specific=match.specific)
    return [_Candidate(request, code, s, target, inherited=True, intent=False) for s in speakers]


def _obliged_clause(verb: Token, rules: CodingRules) -> Token | None:
    """The verb, or the clause it completes ("the US *must* be ready to mediate"), that carries
    an obligation auxiliary."""
    for tok in _chain(verb, _CONTROL):
        if any(c.dep_ == "aux" and c.lower_ in rules.obligation_aux for c in tok.children):
            return tok
    return None


def _candidates(
    verb: Token, mentions: Mapping[int, Mention], res: CoderResources
) -> Iterator[_Candidate]:
    rules = res.rules
    match = (
        _refusal(verb, res)
        or _preparation(verb, res)
        or match_verb(verb, res)
        or _bare_obligation(verb, rules)
    )
    if match is None:
        return
    hypothetical = is_hypothetical(verb, rules)
    offer = hypothetical and conditional_intent(verb, rules)  # "would meet X if..."
    if hypothetical and not offer:
        return
    if _subsumed(verb, match, res):
        return
    rallied = _rallied(verb, match, mentions, res)
    if rallied is not None:
        match = rallied[0]
    rewrite = match.code in res.ontology and not match.user  # a user's code is as written
    if is_negated(verb, rules) and not match.negation:
        rejection = negated_code(verb, match.code, rules) if rewrite else None
        if rejection is None:
            return
        match = VerbMatch(verb, rejection, match.rule + " +negated", specific=match.specific)
    obliged = _obligation(verb, match, mentions, res) if rewrite else None
    if obliged is not None:
        yield from obliged
        return
    if match.rule == _BARE_OBLIGATION:
        return  # an unknown act that is no request from a speaker is no event
    source = find_source(verb, mentions, rules)
    sources = [m for m in source.mentions if m.actor.country or m.actor.agent]
    self_directed = match.code in rules.passive_source_codes  # "X were demobilized"
    if (self_directed or verb.lemma_.lower() in rules.stative_passives) and not sources:
        sources = list(_passive_source(verb, mentions, rules))
    if match.user and not sources:  # PETRARCH: "X was criticized" with no agent, X is the source
        sources = [m for m in _passive_subject(verb, mentions) if m.actor.country or m.actor.agent]
    marked_source = _marked_target(verb, mentions, match.source)
    targets = (
        _marked_target(verb, mentions, match.target)
        or (find_target(rallied[1], mentions, rules, sources) if rallied else ())
        or _meeting_target(verb, mentions, res, sources)
        or find_target(verb, mentions, rules, sources)
        or _complement_target(verb, mentions, rules, sources)
    )
    if marked_source:  # "+ * FROM $": "X was freed from Y" is Y's act towards X
        before = _actor_before(verb, mentions, match.target_before)
        targets = _marked_target(verb, mentions, match.target) or before or targets
        sources = list(marked_source)
        targets = tuple(t for t in targets if t not in marked_source)
    if not sources and not targets:
        targets = _passive_subject(verb, mentions)
    sources = _co_actors(_shared_agents(sources, mentions, verb.doc), res)
    targets = tuple(_co_actors(_shared_agents(targets, mentions, verb.doc), res))
    if not targets:
        match = _joint(match, sources, rules)
    intent = rewrite and (is_intent(verb, rules) or offer)
    code = intent_code(match.code, rules) if intent else match.code
    if offer and intent:
        match = replace(match, rule=match.rule + " +if")
    if intent and _conditional(verb, rules):  # "will boycott the vote unless ...": a threat
        threat = _mapped(match.code, rules.conditional_threat_codes)
        code = threat or code
        match = VerbMatch(verb, code, match.rule + " +conditional", specific=match.specific)
    reciprocal = len(sources) > 1 and code[:2] in rules.reciprocal_roots
    if not targets and not reciprocal:  # "Serbia and Kosovo signed ... in Brussels": each other
        own = code in rules.territorial_codes  # curfews, emergency rule: on a place
        targets = _place_target(verb, mentions, rules, sources, own=own)
    if not targets and code[:2] in rules.purpose_target_roots:  # "to protest *X's* failure"
        targets = _purpose_target(verb, mentions, rules, sources)
    if not targets and not reciprocal and match.user:
        targets = _first_after(verb, mentions, sources)
    needs_target = res.ontology.describe(code).plover_type in rules.requires_target
    if not sources and source.unread:
        return
    members = _compound(match, sources, targets)
    for s, t in members or _pairs(sources, targets, code, rules, user=match.user):
        if t is not None or not needs_target:
            yield _Candidate(match, code, s, t, source.inherited, intent)
        if match.reverse and targets and s is not None and t is not None and code == match.code:
            yield _reverse(match, s, t, inherited=source.inherited)


def _compound(
    match: VerbMatch, sources: Sequence[Mention], targets: Sequence[Mention]
) -> list[tuple[Mention | None, Mention | None]]:
    """ "Gondor and Osgiliath have delayed their meeting" (``% HAVE *``), "clashes *between*
    Gondor and Osgiliath" (``* BETWEEN %``, no source): each member of the compound towards
    each other one; empty without a ``%`` pattern or a compound, or with one source ("Eriador
    agrees *with* the Philippines and France", ``* WITH %``: towards each member)."""
    members = list(sources) if len(sources) > 1 else [] if sources else list(targets)
    if not match.compound or len(members) < 2:
        return []
    return [(s, t) for s in members for t in members if s.actor.code != t.actor.code]


def _reverse(match: VerbMatch, source: Mention, target: Mention, *, inherited: bool) -> _Candidate:
    """ "X left for Y" coded ``[032:033]``: Y's event towards X (033), as the pair says."""
    back = replace(match, code=match.reverse or match.code, rule=match.rule + " +reverse")
    return _Candidate(back, back.code, target, source, inherited, intent=False)


_OWNER_PREPS = frozenset({"of", "in", "from"})


def _shared_agents(
    found: Sequence[Mention], mentions: Mapping[int, Mention], doc: Doc
) -> list[Mention]:
    """ "The ambassadors of Arnor, Osgiliath and Gondor": the sector of a phrase whose country
    is a list goes with every country of the list (ARNGOV, OSGGOV, GONGOV)."""
    if not found:
        return []
    spans = {m.span for m in found}
    heads = {m.span: doc[i] for i, m in mentions.items() if m.span in spans}
    absorbed = {m.span for m in _stray_members(found, heads, mentions)}
    out: list[Mention] = []
    for mention in found:
        if mention.span in absorbed:
            continue
        actor, head = mention.actor, heads.get(mention.span)
        borrowed = _borrowed_countries(head, mentions) if head is not None else []
        if actor.agent and not actor.country and borrowed:  # "lawmakers and *officials* in X"
            out.extend(
                replace(mention, actor=replace(actor, country=c, code=c + actor.code))
                for c in borrowed
            )
            continue
        out.append(mention)
        if head is None or not actor.agent or not actor.country:
            continue
        for prep in (c for c in head.children if c.dep_ == "prep" and c.lower_ in _OWNER_PREPS):
            for pobj in (c for c in prep.children if c.dep_ == "pobj"):
                listed = _mentions_of(_conjuncts(pobj)[1:] + _strays(head, pobj), mentions)
                countries = [
                    m.actor.country for m in listed if m.actor.country and not m.actor.agent
                ]
                out.extend(
                    replace(mention, actor=replace(actor, country=c, code=c + actor.code[3:]))
                    for c in countries
                    if c != actor.country and len(actor.country) == 3
                )
    return out


def _strays(head: Token, pobj: Token) -> list[Token]:
    """ "Lawmakers in Fornost *and Gondor*" parsed with Gondor a conjunct of "Lawmakers": the
    head's conjuncts that continue the list of its country phrase (only "and" or a comma
    between them)."""
    found: list[Token] = []
    end = pobj.right_edge.i
    for conj in (c for c in head.children if c.dep_ == "conj" and c.i > end):
        between = head.doc[end + 1 : conj.i]
        if not all(t.dep_ in {"cc", "punct"} for t in between):
            break
        found.append(conj)
        end = conj.right_edge.i
    return found


def _borrowed_countries(head: Token, mentions: Mapping[int, Mention]) -> list[str]:
    """ "Lawmakers and *officials* in Fornost and Gondor": a sector conjunct before the country
    phrase of the list's first member takes every country of that phrase."""
    first = head.head
    if head.dep_ != "conj" or first.i >= head.i:
        return []
    countries: list[str] = []
    for prep in (c for c in first.children if c.dep_ == "prep" and c.lower_ in _OWNER_PREPS):
        if prep.i < head.i:
            continue
        for pobj in (c for c in prep.children if c.dep_ == "pobj"):
            listed = _mentions_of(_conjuncts(pobj) + _strays(first, pobj), mentions)
            countries.extend(
                m.actor.country for m in listed if m.actor.country and not m.actor.agent
            )
    return countries


def _stray_members(
    found: Sequence[Mention], heads: Mapping[Span, Token], mentions: Mapping[int, Mention]
) -> list[Mention]:
    """The bare countries of ``found`` that :func:`_strays` puts in a sector phrase's list."""
    out: list[Mention] = []
    for mention in found:
        head = heads.get(mention.span)
        if head is None or not mention.actor.agent or not mention.actor.country:
            continue
        for prep in (c for c in head.children if c.dep_ == "prep" and c.lower_ in _OWNER_PREPS):
            for pobj in (c for c in prep.children if c.dep_ == "pobj"):
                strays = _mentions_of(_strays(head, pobj), mentions)
                out.extend(m for m in strays if m.actor.country and not m.actor.agent)
    return out


def _marked_target(
    verb: Token, mentions: Mapping[int, Mention], marker: tuple[str, int] | None
) -> tuple[Mention, ...]:
    """ "celebrated Eid at Osgiliath *with Gondor*" (``* EID AT ^ WITH +``): the actor the
    pattern's ``+`` (or ``%``) points at, after its word and the ``^`` phrases it skips, with
    its conjuncts ("agrees *with the Philippines and France*", ``* WITH %``)."""
    if marker is None:
        return ()
    word, skips = marker
    after = [t for t in verb.sent if t.i > verb.i]
    if word:
        anchor = next((t for t in after if t.lower_ == word), None)
        if anchor is None:
            return ()
        after = [t for t in after if t.i > anchor.i]
    heads = list({m.span: t for t in after if (m := mentions.get(t.i)) is not None}.values())
    return _mentions_of(_conjuncts(heads[skips]), mentions) if len(heads) > skips else ()


def _actor_before(
    verb: Token, mentions: Mapping[int, Mention], anchor: str | None
) -> tuple[Mention, ...]:
    """ "Mordor will be hosting ..." (``+ HOSTING * ...``): the last actor before the pattern's
    word (``""``: before the verb), with its conjuncts."""
    if anchor is None:
        return ()
    words = [t for t in verb.sent if t.i < verb.i and t.lower_ == anchor]
    end = words[-1].i if anchor and words else verb.i
    if anchor and not words:
        return ()
    before = [t for t in verb.sent if t.i < end and t.i in mentions]
    return _mentions_of(_conjuncts(before[-1]), mentions) if before else ()


def _co_actors(found: Sequence[Mention], res: CoderResources) -> list[Mention]:
    """ "The Shire" coded ``[FRO/BIL/SAM]`` in a user actor file: one mention per actor."""
    out: list[Mention] = []
    for mention in found:
        out.append(mention)
        actor = mention.actor
        country = actor.country or ""
        for other in _co_codes(actor, res.co_actors):
            code = other + actor.code[len(country) :]
            out.append(replace(mention, actor=replace(actor, country=other, code=code)))
    return out


def _co_codes(actor: Actor, table: Mapping[tuple[str, str], tuple[str, ...]]) -> tuple[str, ...]:
    if not table:
        return ()
    text = " ".join(actor.text.lower().split())
    for name in (text, text.removeprefix("the ")):
        found = table.get((name, actor.country or ""))
        if found:
            return found
    return ()


_BARE_OBLIGATION = "unknown act"


def _bare_obligation(verb: Token, rules: CodingRules) -> VerbMatch | None:
    """ "X declared that Y *must drop* its barriers": an obligation reported by a speaker is a
    request even when the dictionary does not know the act (the generic REQUEST code)."""
    if verb.dep_ != "ccomp":
        return None
    if not any(c.dep_ == "aux" and c.lower_ in rules.obligation_aux for c in verb.children):
        return None
    return VerbMatch(verb, rules.obligation_default_code, _BARE_OBLIGATION, specific=False)


def _passive_subject(verb: Token, mentions: Mapping[int, Mention]) -> tuple[Mention, ...]:
    """ "Three soldiers were killed in an ambush": with no agent, the passive subject is hit."""
    if _agent_of(verb) is not None:
        return ()
    subject = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    return _mentions_of(_conjuncts(subject), mentions) if subject is not None else ()


def _passive_source(
    verb: Token, mentions: Mapping[int, Mention], rules: CodingRules
) -> tuple[Mention, ...]:
    """ "One third of the guerrillas have been demobilized": with no agent, the passive subject
    (or the actor of its ``of`` phrase) of a self-directed act is its source."""
    found = [m for m in _passive_subject(verb, mentions) if m.actor.country or m.actor.agent]
    subject = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    if found or subject is None or _agent_of(verb) is not None:
        return tuple(found)
    return _inner_actor(subject, mentions, rules)


def _unknown_actor(rules: CodingRules) -> Actor:
    return Actor(text="", country=None, agent=None, code=rules.unknown_actor_code)


_ADNOMINAL = frozenset({"relcl", "acl"})


def _background(verb: Token, rules: CodingRules) -> bool:
    """A verb in a relative or adnominal clause, or in a temporal adverbial clause ("one day
    *after* a jet shot down..."), here or anywhere up the clauses it hangs from."""
    tok = verb
    while True:
        if tok.dep_ in _ADNOMINAL:
            return not _content_clause(tok, rules)
        if tok.dep_ == "advcl" and _marked(tok, rules.background_marks):
            return True
        if tok.dep_ == "pcomp" and tok.head.lower_ in rules.background_marks:
            return True
        if tok.dep_ not in _INHERIT | _COMPLEMENTS or tok.head.i == tok.i:
            return False
        tok = tok.head


def _confidence(c: _Candidate, rules: CodingRules) -> float:
    w = rules.confidence
    score = w["base"] + (w["pattern"] if c.match.specific else 0.0)
    score += w["target"] if c.target is not None else 0.0
    if c.source is None:
        score += w["unknown_source"]
    elif c.source.actor.name or c.source.actor.agent:
        score += w["entity"]
    score += w["inherited_source"] if c.inherited else 0.0
    score += w["modal"] if c.intent else 0.0
    if c.match.token.dep_ == "relcl":
        score += w["relative_clause"]  # background
    elif _background(c.match.token, rules):
        score += w["background_clause"]
    return round(min(1.0, max(0.0, score)), 3)


def _event(article: Article, c: _Candidate, res: CoderResources) -> Event:
    return verb_event(
        article,
        c.match.token,
        c.code,
        (c.source, c.target),
        res,
        confidence=_confidence(c, res.rules),
        rule=c.match.rule + (" +intent" if c.intent else ""),
    )


def verb_event(
    article: Article,
    verb: Token,
    code: str,
    pair: tuple[Mention | None, Mention | None],
    res: CoderResources,
    *,
    confidence: float,
    rule: str,
) -> Event:
    """The event of ``verb`` coded ``code`` between ``pair`` (source, target), with its
    evidence; no source is the unknown actor. Dates and places are added later (pipeline)."""
    info = res.ontology.describe(code)
    lemma = f"{code[:2]}:{verb.lemma_.lower()}"  # resignations: the manual's RETREAT
    plover = (info.plover_type, info.plover_mode)
    plover = res.rules.plover_by_lemma.get(lemma, plover) if info.cameo else plover
    source, target = pair
    sent = verb.sent
    text = sent.text.rstrip()
    return Event(
        doc_id=article.doc_id,
        sentence=text,
        sentence_span=Span(sent.start_char, sent.start_char + len(text)),
        cameo=info.code,
        cameo_name=info.name,
        goldstein=info.goldstein,
        quad_class=info.quad_class,
        plover_type=plover[0],
        plover_mode=plover[1],
        source=source.actor if source else _unknown_actor(res.rules),
        target=target.actor if target else None,
        date=None,
        date_source="none",
        date_precision=None,
        location=None,
        confidence=confidence,
        offsets=Offsets(
            source=source.span if source else None,
            verb=Span(verb.idx, verb.idx + len(verb.text)),
            target=target.span if target else None,
        ),
        rule=rule,
    )


def code_events(
    article: Article,
    doc: Doc,
    mentions: Mapping[int, Mention],
    res: CoderResources,
    *,
    include_title: bool = False,
) -> list[Event]:
    """Every event of a parsed article (date and location are filled in by ``where``/``when``).

    With ``include_title``, events of the headline come first, except those the body restates
    (the lead usually does): a headline event is dropped when a body event has the same
    QuadClass between the same countries, so one happening is not counted twice.
    """
    title: list[Event] = []
    body: list[Event] = []
    for tok in doc:
        if tok.pos_ != "VERB" or (tok.idx < article.body_start and not include_title):
            continue
        found = (_event(article, c, res) for c in _candidates(tok, mentions, res))
        (title if tok.idx < article.body_start else body).extend(found)
    restated = {_happening(e) for e in body}
    return [e for e in title if _happening(e) not in restated] + body


def _happening(event: Event) -> tuple[int | None, frozenset[str | None]]:
    """What a headline and its lead share when they report one event: the QuadClass and the
    countries of the two sides ("China and Iran pledge cooperation" / "China is willing to
    deepen cooperation with Iran")."""
    target = event.target.country if event.target else None
    return event.quad_class, frozenset({event.source.country, target})


def refine_meeting(event: Event, rules: CodingRules, ontology: Ontology) -> Event:
    """A generic meeting held in a country neither side belongs to is CAMEO 044."""
    loc = event.location
    if event.cameo not in rules.meeting_codes or loc is None or loc.country is None:
        return event
    sides = {event.source.country, event.target.country if event.target else None}
    if loc.country in sides:
        return event
    info = ontology.get(rules.third_location_code)
    return replace(
        event,
        cameo=info.code,
        cameo_name=info.name,
        goldstein=info.goldstein,
        quad_class=info.quad_class,
        plover_type=info.plover_type,
        plover_mode=info.plover_mode,
        rule=event.rule + " +third-location",
    )
