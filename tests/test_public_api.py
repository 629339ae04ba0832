"""The public API is exactly what __all__ lists (httpx's test_exported_members, in spirit)."""

from __future__ import annotations

import dataclasses

import pytest

import communique
from communique import model

EXPECTED = {
    "Actor", "Article", "Config", "Document", "Event", "EventFilter", "InputError", "Location",
    "Mention", "Offsets", "Resources", "Result", "Span", "Store", "__version__", "code_document",
    "event_dict", "extract_article", "iter_documents", "load_resources", "open_store",
    "process_articles", "process_documents",
}  # fmt: skip


def test_all_is_pinned() -> None:
    assert set(communique.__all__) == EXPECTED
    for name in communique.__all__:
        assert hasattr(communique, name), name


def test_exported_members_come_from_communique() -> None:
    for name in communique.__all__:
        member = getattr(communique, name)
        module = getattr(member, "__module__", "communique")
        assert module.startswith("communique"), (name, module)


@pytest.mark.parametrize(
    "cls",
    [
        model.Document,
        model.Article,
        model.Span,
        model.Actor,
        model.Mention,
        model.Location,
        model.Offsets,
        model.Event,
    ],
)
def test_model_is_frozen(cls: type) -> None:
    params = dataclasses.fields(cls)
    assert params and cls.__dataclass_params__.frozen  # type: ignore[attr-defined]


def test_options_are_keyword_only() -> None:
    import inspect

    for func in (communique.process_documents, communique.iter_documents, communique.open_store):
        sig = inspect.signature(func)
        for param in sig.parameters.values():
            if param.default is not inspect.Parameter.empty:
                assert param.kind is inspect.Parameter.KEYWORD_ONLY, (func.__name__, param.name)
