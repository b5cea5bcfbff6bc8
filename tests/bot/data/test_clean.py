"""Cleaning: text repairs, dropped turns and conversations, dedupe, language filter, counts per step."""

from __future__ import annotations

import pytest

from bot.data.clean import Cleaner, CleaningConfig, MinHashIndex, jaccard, shingles
from bot.data.schema import Conversation, Turn


def conv(conversation_id: str, *texts: str, system: tuple[int, ...] = ()) -> Conversation:
    return Conversation(
        conversation_id=conversation_id,
        turns=[Turn(role="customer" if i % 2 == 0 else "agent", text=t, metadata={"system": True} if i in system else {})
               for i, t in enumerate(texts)],
    )


def english_only(**overrides) -> CleaningConfig:
    return CleaningConfig.from_dict({"allowed_languages": ["en"], **overrides})


def test_text_repairs_are_applied_and_counted() -> None:
    cleaner = Cleaner(CleaningConfig(allowed_languages=None))
    assert cleaner.clean_text("donâ€™t send it to the cafÃ©") == "don\u2019t send it to the café"
    assert cleaner.clean_text("<p>Hello&nbsp;<b>there</b>,<br>my email is <EMAIL_1></p>") == "Hello there , my email is <EMAIL_1>"
    assert cleaner.clean_text("ｆｕｌｌ width ﬁne") == "full width fine"  # NFKC
    assert cleaner.clean_text("  lots \t of\n\n space\u200b ") == "lots of space"
    assert cleaner.clean_text("I <3 it, 2 < 3") == "I <3 it, 2 < 3"
    changed = cleaner.report.turns_changed
    assert changed["mojibake_fixed"] == 1 and changed["markup_stripped"] == 1
    assert changed["unicode_normalised"] >= 1 and changed["whitespace_normalised"] >= 2


def test_nfc_keeps_compatibility_characters() -> None:
    assert Cleaner(CleaningConfig(unicode_form="NFC", allowed_languages=None)).clean_text("ﬁne") == "ﬁne"


def test_turns_dropped_for_each_reason() -> None:
    cleaner = Cleaner(CleaningConfig(allowed_languages=None, max_turn_chars=50))
    [result] = list(cleaner.clean([conv(
        "a", "hi, where is my parcel?", "Account has been pulled up", "   ", "[System message] agent joined",
        "x" * 51, "Kevin has joined the chat", "it is HP-482913", system=(1,),
    )]))
    assert [t.text for t in result.turns] == ["hi, where is my parcel?", "it is HP-482913"]
    assert cleaner.report.turns_dropped == {"system": 1, "empty": 1, "boilerplate": 2, "too_long": 1}


def test_conversations_without_customer_turns_are_dropped() -> None:
    cleaner = Cleaner(CleaningConfig(allowed_languages=None, min_turns=2))
    kept = list(cleaner.clean([conv("a", "only one turn"), conv("b", "one", "two")]))
    assert [c.conversation_id for c in kept] == ["b"]
    assert cleaner.report.conversations_dropped == {"too_few_turns": 1}


def test_exact_duplicates_ignore_case_punctuation_and_placeholder_numbers() -> None:
    cleaner = Cleaner(CleaningConfig(allowed_languages=None, near_duplicate_threshold=None))
    kept = list(cleaner.clean([
        conv("a", "Where is my order <ORDER_ID_1>?", "Let me check."),
        conv("b", "where is my order <ORDER_ID_2>", "let me check"),
        conv("c", "Where is my refund?", "Let me check."),
    ]))
    assert [c.conversation_id for c in kept] == ["a", "c"]
    assert cleaner.report.conversations_dropped == {"exact_duplicate": 1}


LONG = ("I ordered the wool sweater in navy three weeks ago and it still has not arrived, the tracking page "
        "has said in transit for ten days and nobody answers my emails, can you please check what happened")


@pytest.mark.parametrize("threshold, kept_ids", [(0.8, ["a", "c"]), (0.99, ["a", "b", "c"])])
def test_near_duplicate_threshold_is_configurable(threshold: float, kept_ids: list[str]) -> None:
    near = LONG.replace("please check", "please look into")
    assert 0.8 <= jaccard(shingles(LONG.lower()), shingles(near.lower())) < 0.99
    cleaner = Cleaner(CleaningConfig(allowed_languages=None, near_duplicate_threshold=threshold))
    kept = list(cleaner.clean([conv("a", LONG), conv("b", near), conv("c", "Do you ship to Canada and how much is it?")]))
    assert [c.conversation_id for c in kept] == kept_ids


def test_minhash_index_finds_near_duplicates_among_many() -> None:
    index = MinHashIndex(0.8)
    base = [f"customer {i} asks about order {i} and the shipping time of item number {i * 7}" for i in range(200)]
    assert all(index.add_if_new(shingles(t)) for t in base)
    assert not index.add_if_new(shingles(base[57] + " thanks"))
    assert index.add_if_new(shingles("a completely different message about gift cards and their balance"))


def test_language_filter_keeps_allowed_and_short_texts() -> None:
    cleaner = Cleaner(english_only())
    kept = list(cleaner.clean([
        conv("en", "Hello, I would like to return the shoes I bought last week"),
        conv("es", "Hola, quiero devolver los zapatos que compré la semana pasada"),
        conv("de", "Hallo, ich möchte die Schuhe zurückgeben, die ich letzte Woche gekauft habe"),
        conv("short", "ok thx"),
    ]))
    assert [c.conversation_id for c in kept] == ["en", "short"]
    assert kept[0].metadata["language"] == "en"
    assert cleaner.report.conversations_dropped == {"language": 2}
    assert cleaner.report.languages == {"en": 1, "es": 1, "de": 1, "unknown": 1}


def test_bad_config_values_are_named() -> None:
    with pytest.raises(ValueError, match="near_duplicate_threshold"):
        CleaningConfig.from_dict({"near_duplicate_threshold": 1.5})
    with pytest.raises(ValueError, match="unknown key"):
        CleaningConfig.from_dict({"dedupe": True})
    with pytest.raises(ValueError, match="not a valid regex"):
        CleaningConfig.from_dict({"boilerplate_patterns": ["("]})
    with pytest.raises(ValueError, match="unicode_form"):
        CleaningConfig.from_dict({"unicode_form": "NFD"})
