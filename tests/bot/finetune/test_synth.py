"""The sample conversations' reply families (bot/finetune/topics.py, bot/finetune/synth.py)."""

from __future__ import annotations

import itertools
from collections import defaultdict

from bot.finetune import synth
from bot.finetune import topics as T
from bot.finetune.leak import NEAR_DUPLICATE_JACCARD, jaccard, normalise, shingles
from bot.paths import ROOT


def test_every_topic_and_follow_up_has_one_reply_per_family() -> None:
    for topic in T.TOPICS:
        assert len(topic.answers) == T.FAMILIES, topic.id
        assert all(len(f.answers) == T.FAMILIES for f in topic.followups), topic.id
    assert len(T.GREETING_REPLIES) == len(T.THANKS_REPLIES) == T.FAMILIES


def test_no_reply_of_one_family_near_duplicates_a_reply_of_another() -> None:
    replies = [(family, where, text, shingles(text)) for family, where, text in T.all_replies()]
    clashes = [
        (a[1], a[0], b[1], b[0], round(jaccard(a[3], b[3]), 3))
        for a, b in itertools.combinations(replies, 2)
        if a[0] != b[0] and (normalise(a[2]) == normalise(b[2]) or jaccard(a[3], b[3]) >= NEAR_DUPLICATE_JACCARD)
    ]
    assert clashes == []


def test_every_fact_of_every_reply_is_in_the_company_facts() -> None:
    from bot.knowledge.facts import unsupported_facts

    company = (ROOT / "docs" / "company.md").read_text(encoding="utf-8")
    invented = {text: unsupported_facts(text, [company]) for _, _, text in T.all_replies()}
    assert {text: facts for text, facts in invented.items() if facts} == {}


def test_the_two_small_families_ask_in_their_own_words() -> None:
    for topic in T.TOPICS:
        shared = set(T.questions_for(topic, 0))
        assert all(set(T.questions_for(topic, f)) == shared for f in range(1, 4))
        four, five = set(T.questions_for(topic, 4)), set(T.questions_for(topic, 5))
        assert four and five and not four & shared and not five & shared and not four & five, topic.id


def test_each_generated_conversation_uses_one_family() -> None:
    family_of = defaultdict(set)
    for family, _, text in T.all_replies():
        family_of[text].add(family)
    conversations = synth.generate(120, seed=3)
    assert conversations == synth.generate(120, seed=3)  # deterministic
    for conversation in conversations:
        families = [family_of[m.text] for m in conversation if m.role == "agent"]
        assert set.intersection(*families), conversation[0].conversation_id


def test_the_pipeline_redactor_leaves_every_reply_as_written() -> None:
    # A reply the redactor changes would teach the model a placeholder ("for example <ORDER_ID_1>").
    import yaml

    from bot.privacy.redactor import RedactionConfig, Redactor

    settings = yaml.safe_load((ROOT / "data" / "finetune" / "pipeline.yml").read_text(encoding="utf-8"))["redaction"]
    redactor = Redactor(RedactionConfig(**settings))
    changed = {text: redactor.redact_text(text) for _, _, text in T.all_replies()}
    assert {k: v for k, v in changed.items() if k != v} == {}
