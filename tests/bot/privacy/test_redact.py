"""Redaction: measured precision/recall thresholds, placeholder consistency, reports without values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.data.schema import Conversation, Turn
from bot.privacy import lexicon as lex
from bot.privacy.evaluation import evaluate, load_eval
from bot.privacy.recognisers.addresses import find_addresses
from bot.privacy.recognisers.identifiers import find_identifiers
from bot.privacy.recognisers.payments import find_cards, find_ibans
from bot.privacy.recognisers.phones import find_phones
from bot.privacy.redactor import RedactionConfig, RedactionReport, Redactor

EVAL = Path(__file__).parents[1] / "data" / "fixtures" / "pii_eval.jsonl"
RECALL_GOALS = {"EMAIL": 0.98, "PHONE": 0.98, "CARD_NUMBER": 0.98, "PERSON": 0.90, "ADDRESS": 0.90}


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return Redactor()


def test_eval_set_is_big_enough_and_covers_every_type() -> None:
    rows = load_eval(EVAL)
    assert len(rows) >= 200
    types = {s["type"] for r in rows for s in r["spans"]}
    assert types == {"EMAIL", "PHONE", "CARD_NUMBER", "IBAN", "ADDRESS", "PERSON", "ORDER_ID", "ACCOUNT_ID"}
    assert sum(1 for r in rows if not r["spans"]) >= 60  # hard negatives
    for row in rows:
        for span in row["spans"]:
            assert row["text"][span["start"]:span["end"]] == span["text"]


@pytest.mark.parametrize("group", [None, "dev", "heldout", "heldout2", "blind1", "blind2", "blind3",
                                   "blind6", "blind9", "blind18"])
def test_precision_and_recall_meet_the_goals(redactor: Redactor, group: str | None) -> None:
    _assert_recall_and_precision(redactor, group, RECALL_GOALS)


def _assert_recall_and_precision(redactor: Redactor, group: str | None, recall_floors: dict) -> None:
    """Recall per type at least its floor and precision at least 0.90 for every type, on ``group`` (None: all)."""
    result = evaluate(redactor, load_eval(EVAL, [group] if group else None))
    result.pop("_errors")
    for kind, floor in recall_floors.items():
        assert result[kind]["recall"] >= floor, (kind, result[kind])
    for kind, scores in result.items():
        if scores["predicted"]:
            assert scores["precision"] >= 0.90, (kind, scores)


# blind4 was written by an author who never saw the recognisers and was not used to tune the rules:
# measured once as is (docs/data-pipeline.md); these floors are those first numbers. The learned
# tagger is trained on it since, so it is no longer unseen.
BLIND4_FLOORS = {"EMAIL": 1.0, "PHONE": 1.0, "CARD_NUMBER": 1.0, "IBAN": 1.0, "ADDRESS": 0.76, "PERSON": 0.87,
                 "ORDER_ID": 0.91, "ACCOUNT_ID": 0.77}
# blind6, blind9 and blind18: never used to tune the rules nor to train the tagger (bot.privacy.tagger.HELD_OUT_GROUPS).
# Their numbers with the tagger (docs/data-pipeline.md) are the floors: unseen data must not get worse.
UNSEEN_FLOORS = {
    "blind6": {"EMAIL": 1.0, "PHONE": 1.0, "CARD_NUMBER": 1.0, "IBAN": 1.0, "ADDRESS": 0.94, "PERSON": 0.93,
               "ORDER_ID": 0.95, "ACCOUNT_ID": 0.83},
    "blind9": {"EMAIL": 1.0, "PHONE": 1.0, "CARD_NUMBER": 1.0, "IBAN": 1.0, "ADDRESS": 0.93, "PERSON": 0.94,
               "ORDER_ID": 0.92, "ACCOUNT_ID": 0.89},
    "blind18": {"EMAIL": 1.0, "PHONE": 0.98, "CARD_NUMBER": 1.0, "IBAN": 1.0, "ADDRESS": 0.99, "PERSON": 0.99,
                "ORDER_ID": 1.0, "ACCOUNT_ID": 0.74},
}


def test_blind4_group_does_not_get_worse(redactor: Redactor) -> None:
    _assert_recall_and_precision(redactor, "blind4", BLIND4_FLOORS)


@pytest.mark.parametrize("group", sorted(UNSEEN_FLOORS))
def test_unseen_groups_do_not_get_worse(redactor: Redactor, group: str) -> None:
    _assert_recall_and_precision(redactor, group, UNSEEN_FLOORS[group])


# National ids and dates of birth: natid_blind was written blind by another author and measured once, after
# the recognisers were final (benchmarks/results/redaction_natid_blind.json); these floors are those numbers,
# (recall, precision) for every type labelled or detected there. The old types' low precision is that set's
# hard negatives (invoice, booking and tracking numbers taken as phones and order ids), measured as is.
# natid_dev is what the recognisers were written on.
NATIONAL_FIXTURES = EVAL.parent
NATID_FLOORS = {
    "natid_blind": {"NATIONAL_ID": (0.978, 1.0), "DATE_OF_BIRTH": (0.985, 1.0), "EMAIL": (1.0, 1.0),
                    "PHONE": (1.0, 0.5), "IBAN": (1.0, 1.0), "ADDRESS": (1.0, 0.666), "PERSON": (0.913, 1.0),
                    "ORDER_ID": (0.666, 0.2)},
    "natid_dev": {"NATIONAL_ID": (1.0, 1.0), "DATE_OF_BIRTH": (1.0, 1.0)},
}


@pytest.mark.parametrize("group", sorted(NATID_FLOORS))
def test_national_id_and_birth_date_sets_do_not_get_worse(redactor: Redactor, group: str) -> None:
    path = NATIONAL_FIXTURES / ("pii_national_blind.jsonl" if group == "natid_blind" else "pii_national_dev.jsonl")
    result = evaluate(redactor, load_eval(path, [group]))
    result.pop("_errors")
    for kind, (recall, precision) in NATID_FLOORS[group].items():
        assert result[kind]["recall"] >= recall and result[kind]["precision"] >= precision, (kind, result[kind])


def test_checksums_reject_lookalikes() -> None:
    assert find_cards("card 4111 1111 1111 1111") and not find_cards("card 4111 1111 1111 1112")
    assert not find_cards("tracking number 4111111111111111")
    assert find_ibans("DE89 3704 0044 0532 0130 00") and not find_ibans("DE88 3704 0044 0532 0130 00")


def conversation(*texts: str, roles: tuple[str, ...] = ()) -> Conversation:
    roles = roles or tuple("customer" if i % 2 == 0 else "agent" for i in range(len(texts)))
    return Conversation(conversation_id="whatsapp:+14155550132", channel="sms",
                        turns=[Turn(role=r, text=t) for r, t in zip(roles, texts)])


def test_placeholders_are_consistent_within_a_conversation(redactor: Redactor) -> None:
    report = RedactionReport()
    result = redactor.redact_conversation(conversation(
        "Hi, I'm Crystal Minh, my email is cminh730@email.com",
        "Thanks Crystal! Is cminh730@email.com still current?",
        "yes. my other email is crystal.m@work.example",
        "Got it, Crystal. I emailed cminh730@email.com and crystal.m@work.example",
        "username cminh730",
    ), report)
    texts = [t.text for t in result.turns]
    assert texts[0] == "Hi, I'm <PERSON_1>, my email is <EMAIL_1>"
    assert texts[1] == "Thanks <PERSON_1>! Is <EMAIL_1> still current?"
    assert texts[2] == "yes. my other email is <EMAIL_2>"
    assert texts[3] == "Got it, <PERSON_1>. I emailed <EMAIL_1> and <EMAIL_2>"
    assert texts[4] == "username <ACCOUNT_ID_1>"
    assert report.entities["EMAIL"] == 5 and report.distinct_values["EMAIL"] == 2
    # the sender id held a phone number: pseudonymised
    assert result.conversation_id.startswith("conv-") and "4155550132" not in result.conversation_id


def test_numbering_restarts_in_each_conversation_and_order_numbers_normalise(redactor: Redactor) -> None:
    first = redactor.redact_conversation(conversation("order HP-482913 please", "ok", "it is hp482913"))
    second = redactor.redact_conversation(conversation("and #HP-100200?"))
    assert first.turns[0].text == "order <ORDER_ID_1> please"
    assert first.turns[2].text == "it is <ORDER_ID_1>"
    assert second.turns[0].text == "and <ORDER_ID_1>?"


def test_bare_number_after_an_order_question_is_an_order_id(redactor: Redactor) -> None:
    result = redactor.redact_conversation(conversation("could I have the order ID?", "7916676427", roles=("agent", "customer")))
    assert result.turns[1].text == "<ORDER_ID_1>"


def test_company_contact_details_are_not_redacted(redactor: Redactor) -> None:
    text = "Call us at 1-800-555-0142 or write to support@harborandpine.example"
    assert redactor.redact_text(text) == text


def test_metadata_is_redacted_and_agent_ids_hashed(redactor: Redactor) -> None:
    original = Conversation(
        conversation_id="c1", turns=[Turn(role="agent", text="Hello", metadata={"handoff_agent": "kevin.r", "note": "called 415-555-0132"})],
        metadata={"source": "x.csv", "customer": "jenna.morales@gmail.com"},
    )
    result = redactor.redact_conversation(original)
    assert result.turns[0].metadata["handoff_agent"].startswith("agent-")
    assert "kevin" not in json.dumps(result.model_dump())
    assert result.turns[0].metadata["note"] == "called <PHONE_1>"
    assert result.metadata == {"source": "x.csv", "customer": "<EMAIL_1>"}


def test_report_holds_counts_never_values(redactor: Redactor) -> None:
    report = RedactionReport()
    redactor.redact_conversation(conversation("I'm Jenna Morales, card 4111 1111 1111 1111, 221 Baker Street, Boston, MA 02116"), report)
    data = report.to_dict()
    assert data["entities"]["PERSON"] == 1 and data["entities"]["CARD_NUMBER"] == 1 and data["entities"]["ADDRESS"] == 1
    dumped = json.dumps(data)
    for value in ("Jenna", "4111", "Baker"):
        assert value not in dumped


def test_entity_types_can_be_limited() -> None:
    only_email = Redactor(RedactionConfig(entity_types=["EMAIL"]))
    assert only_email.redact_text("I'm Jenna Morales, jenna@x.com") == "I'm Jenna Morales, <EMAIL_1>"
    with pytest.raises(ValueError, match="unknown"):
        RedactionConfig.from_dict({"entity_types": ["SSN"]})


def surfaces(text: str, kind: str, redactor: Redactor) -> list[str]:
    return [text[d.start:d.end] for d in redactor.detect(text) if d.type == kind]


@pytest.mark.parametrize("text, expected", [
    ("Zeynep Kaya adına kayıtlı", ["Zeynep Kaya"]),          # two international names: no cue needed
    ("Nomvula Dlamini, +27 21 123 4567", ["Nomvula Dlamini"]),
    ("this is Trần Thị Mai, I was charged twice", ["Trần Thị Mai"]),
    ("thanks Oliver, all sorted", ["Oliver"]),                # a name that is also a word needs a cue
    ("the hat is for my niece Hope", ["Hope"]),               # an ambiguous name needs a strong cue
    ("Agent Marisol transferred me", ["Marisol"]),
    ("Tunde from your team emailed me", ["Tunde"]),
    ("ok thx - Deepa", ["Deepa"]),
    ("thank you so much Akira-san", ["Akira"]),               # the honorific is not part of the name
    ("Account holder: Kim Min-jun", ["Kim Min-jun"]),
    ("name on the order: HARPREET SINGH", ["HARPREET SINGH"]),
    ("Carlos and Lucía ordered matching jackets", ["Carlos", "Lucía"]),
    ("signed for by someone called J. Peterson", ["J. Peterson"]),
    ("Elif dedi ki... sorry. Elif said it was approved", ["Elif", "Elif"]),  # a repeat of a found name
])
def test_person_names_from_many_countries_with_the_context_they_need(redactor: Redactor, text: str, expected: list[str]) -> None:
    assert surfaces(text, "PERSON", redactor) == expected


@pytest.mark.parametrize("text", [
    "Hope you're well",
    "It's Dr. Martens style boots I'm after",
    "We spent Christmas in Santa Monica",
    "My sister lives in Ho Chi Minh City",
    "Victoria Station branch",
    "Greetings from Sydney",
    "Is this Louis Vuitton or a copy?",
    "I just got a beach condo in Bora Bora",
    "Hi Bonjour, thanks Merci",
    "I'm Canadian, do you ship to Toronto?",
])
def test_words_places_and_brands_are_not_names(redactor: Redactor, text: str) -> None:
    assert surfaces(text, "PERSON", redactor) == []


def test_a_name_mentioned_as_a_word_is_left_by_the_rules_and_taken_by_the_tagger(redactor: Redactor) -> None:
    # "Oliver" alone, no cue: the rules leave it; the tagger (trained on chat where a bare first name
    # is nearly always a person) redacts it. Over-redacting a mention is the safe error; see
    # docs/data-pipeline.md for the precision this costs on the blind sets.
    text = "Oliver is a nice name for a coat"
    assert surfaces(text, "PERSON", Redactor(RedactionConfig(tagger=False))) == []
    assert surfaces(text, "PERSON", redactor) == ["Oliver"]


def test_international_name_list_is_folded_and_knows_word_frequencies() -> None:
    assert lex.fold("Trần") == "tran" and lex.fold("Yılmaz") == "yilmaz" and lex.fold("Wiśniewska") == "wisniewska"
    names = lex.international_names()
    assert {"zeynep", "wojciech", "chukwuemeka", "siobhan"} <= names.given
    assert {"dlamini", "okonkwo", "kaya", "nguyen"} <= names.surnames
    assert names.zipf("hope") > 5 > 3 > names.zipf("zeynep")
    assert "oliver" in names.english and "zeynep" not in names.english


def test_names_file_is_rebuilt_reproducibly_from_names_dataset_shaped_data(tmp_path: Path) -> None:
    first = {"Zeynep": {"rank": {"TR": 24}}, "Hope": {"rank": {"US": 300}}, "Rare": {"rank": {"US": 5000}},
             "Anne Marie": {"rank": {"FR": 10}}, "محمد": {"rank": {"EG": 1}}}
    last = {"Kaya": {"rank": {"TR": 2}}, "Zeynep": {"rank": {"TR": 900}}}
    kinds = lex.reduce_names(first, last, max_rank=1000)
    assert kinds == {"zeynep": "gs", "hope": "eg", "kaya": "s"}  # too rare, two words, other scripts: left out
    zipf = {"hope": 5.44}.get
    one, two = tmp_path / "a.tsv.gz", tmp_path / "b.tsv.gz"
    assert lex.write_names_file(kinds, lambda n: zipf(n, 0.0), one) == 3
    lex.write_names_file(kinds, lambda n: zipf(n, 0.0), two)
    assert one.read_bytes() == two.read_bytes()
    loaded = lex.international_names(one)
    assert loaded.given == {"zeynep", "hope"} and loaded.surnames == {"zeynep", "kaya"}
    assert loaded.english == {"hope"} and loaded.zipf("hope") == 5.4 and loaded.zipf("kaya") == 0.0


@pytest.mark.parametrize("text, expected", [
    ("9 Church Lane, Little Shelford, Cambridge CB22 5HA", "9 Church Lane, Little Shelford, Cambridge CB22 5HA"),
    ("my address is 23 Grafton Street, Dublin 2, D02 XY45", "23 Grafton Street, Dublin 2, D02 XY45"),
    ("Unit 4, 17 Smith St, Fitzroy VIC 3065", "Unit 4, 17 Smith St, Fitzroy VIC 3065"),
    ("its 4/17 Smith St Fitzroy VIC 3065 same as before", "4/17 Smith St Fitzroy VIC 3065"),
    ("15 Ponsonby Rd, Auckland 1011", "15 Ponsonby Rd, Auckland 1011"),
    ("PO Box 881, Fremantle WA 6959 is my postal address", "PO Box 881, Fremantle WA 6959"),
    ("1022 17 Ave SW, Calgary, AB T2T 0A5", "1022 17 Ave SW, Calgary, AB T2T 0A5"),
    ("livrer au 1455, rue Sainte-Catherine Ouest, Montréal (Québec) H3G 1P1 svp",
     "1455, rue Sainte-Catherine Ouest, Montréal (Québec) H3G 1P1"),
    ("ship to Hauptstraße 5, 10115 Berlin please", "Hauptstraße 5, 10115 Berlin"),
    ("deliver to 12 High Street, Oxford please", "12 High Street, Oxford"),
    ("3 Kensington Gardens Square, London W2 4BH", "3 Kensington Gardens Square, London W2 4BH"),
])
def test_international_addresses(redactor: Redactor, text: str, expected: str) -> None:
    assert surfaces(text, "ADDRESS", redactor) == [expected]


@pytest.mark.parametrize("text", [
    "it takes 2 days via Royal Mail",
    "5512768426846566 exp 03/28 billing zip 10027",  # a ZIP code alone is not an address
    "I have 3 pairs of the other way",
])
def test_address_lookalikes(text: str) -> None:
    assert find_addresses(text) == []


def test_an_address_tail_stops_at_common_words(redactor: Redactor) -> None:
    assert surfaces("send it to 12 Beach Rd, Thanks", "ADDRESS", redactor) == ["12 Beach Rd"]


def test_national_phone_numbers_of_other_countries() -> None:
    text = "home 020 7946 0958 or mobile 07911 123456, edinburgh 0131 226 4567, sydney 0412 345 678"
    found = sorted(find_phones(text), key=lambda d: d.start)
    assert [d.key for d in found] == ["+442079460958", "+447911123456", "+441312264567", "+61412345678"]
    assert [d.key for d in find_phones("+86 138 0013 8000 is my wechat")] == ["+8613800138000"]
    assert find_phones("020 7946 0958", national_regions=()) == []


@pytest.mark.parametrize("text", [
    "delivered 05.11.2024 at 10:30", "invoice 0123456789 paid", "price was 0.99 or 10.50",
    "tracking 0012 3456 7890 1234",
])
def test_phone_lookalikes(text: str) -> None:
    assert find_phones(text) == []


def test_an_international_mobile_is_a_phone_not_a_card(redactor: Redactor) -> None:
    assert [d.type for d in redactor.detect("+86 138 0013 8000")] == ["PHONE"]


@pytest.mark.parametrize("text, expected", [
    ("return reference RMA-20931 please", "RMA-20931"),
    ("ref 88213 from your last email", "88213"),
    ("ordr 1029384 wrong item sent", "1029384"),
    ("rewards member RW-3390127, why did my points expire", "RW-3390127"),
    ("my telegram username is @lena_k_berlin", "@lena_k_berlin"),
    ("message me @sneaker_ivan", "@sneaker_ivan"),
    ("login rkapoor password reset doesnt work", "rkapoor"),
    ("my handle on the site is sneakerhead_ivan", "sneakerhead_ivan"),
    ("my acct is under tnguyen_88", "tnguyen_88"),
])
def test_more_identifier_shapes(redactor: Redactor, text: str, expected: str) -> None:
    assert [text[d.start:d.end] for d in redactor.detect(text) if d.type in ("ORDER_ID", "ACCOUNT_ID")] == [expected]


@pytest.mark.parametrize("text", ["reference 2024-11-30", "login code never arrived", "login maria doesnt work",
                                  "member since 2019", "support@harborandpine.example"])
def test_identifier_lookalikes(text: str) -> None:
    assert find_identifiers(text) == []


def test_an_identifier_is_found_again_where_it_repeats(redactor: Redactor) -> None:
    text = "customer id C-100293, yes same as before, C-100293"
    assert redactor.redact_text(text) == "customer id <ACCOUNT_ID_1>, yes same as before, <ACCOUNT_ID_1>"


def test_unknown_phone_regions_are_rejected() -> None:
    assert RedactionConfig.from_dict({"national_phone_regions": ["GB", "AU"]}).national_phone_regions == ["GB", "AU"]
    with pytest.raises(ValueError, match="phone region"):
        RedactionConfig.from_dict({"national_phone_regions": ["UK"]})


def test_long_text_is_searched_in_windows_without_losing_or_doubling_entities(redactor: Redactor) -> None:
    from bot.privacy.redactor import DETECTION_WINDOW

    filler = "the parcel is late again and nobody answers "
    pieces, expected = [], []
    for number in range(12):  # entities spread across many windows, some right at window edges
        pieces.append(filler * (5 + number % 7))
        email = f"customer{number}@example.org"
        expected.append((sum(len(p) for p in pieces) + len("mail "), email))
        pieces.append(f"mail {email} ")
    text = "".join(pieces) + filler * 10
    assert len(text) > 5 * DETECTION_WINDOW
    emails = [(d.start, text[d.start:d.end]) for d in redactor.detect(text) if d.type == "EMAIL"]
    assert emails == expected
    assert "@" not in redactor.redact_text(text)


def test_a_window_edge_inside_an_entity_still_finds_it_whole(redactor: Redactor) -> None:
    from bot.privacy.redactor import DETECTION_WINDOW

    for shift in range(-40, 41, 8):  # the card number straddles the end of the first window
        prefix = "x" * (DETECTION_WINDOW - 10 + shift) + " "
        text = prefix + "4111 1111 1111 1111 " + "y " * DETECTION_WINDOW
        cards = [text[d.start:d.end] for d in redactor.detect(text) if d.type == "CARD_NUMBER"]
        assert cards == ["4111 1111 1111 1111"], shift


def test_values_written_against_han_kana_and_hangul_are_found(redactor: Redactor) -> None:
    text = "携帯は080-9876-5432、メールはhanako.yamada@docomo.ne.jpです"
    assert surfaces(text, "PHONE", redactor) == ["080-9876-5432"]
    assert surfaces(text, "EMAIL", redactor) == ["hanako.yamada@docomo.ne.jp"]
    assert [d.key for d in find_phones("联系人王晓明，电话138 0013 8000")] == ["+8613800138000"]
    assert [d.key for d in find_phones("李娜收，手机+86 139 1234 5678")] == ["+8613912345678"]
    text = "연락처010-2345-6789입니다"
    assert [text[d.start:d.end] for d in find_phones(text)] == ["010-2345-6789"]
    # Latin letters still glue: an id, a Ghana digital address, a Japanese postcode mark
    assert find_phones("ref abc08098765432x") == []
    assert find_phones("digital address GA-183-8164, East Legon") == []
    assert find_phones("〒150-0001 東京都渋谷区") == []


def test_north_american_toll_free_numbers_are_business_lines() -> None:
    assert find_phones("You can reach us on 1-800-427-6723 (toll-free), 24/7") == []
    assert find_phones("or call 1 (888) 555-0199 anytime") == []
    text = "my line is 0803 412 7765"  # a Nigerian mobile; 0803 is no toll-free prefix in North America
    assert [text[d.start:d.end] for d in find_phones(text)] == ["0803 412 7765"]
    assert [d.key for d in find_phones("call me on (312) 448-9067")] == ["+13124489067"]


def test_iban_country_registry_and_mistyped_lengths() -> None:
    # a real country code with a length off the registry that still passes mod 97 is redacted
    assert [d.key for d in find_ibans("حسابي SA63 9756 5509 4889 8049 85 باسم")] == ["SA63975655094889804985"]
    assert find_ibans("rimborso su IT27 X588 3555 0650 0007 3276 07, intestato")
    # no IBAN country: an Eircode followed by words never becomes one, whatever the length tried
    assert find_ibans("delivered to 7 Harcourt Terrace, Dublin 2, D02 FX82 and updates will be sent") == []
    assert find_ibans("London SW11 5QW and your courier will text you") == []


def test_a_card_number_followed_by_its_expiry_and_account_numbers_starting_with_zero() -> None:
    assert [d.key for d in find_cards("charge this card pls: 5320619587413971 09/26, cvv")] == ["5320619587413971"]
    assert [d.key for d in find_cards("card 4111 1111 1111 1111 12 26")] == ["4111111111111111"]
    assert find_cards("Vietcombank STK 0071001234567") == []  # no card number starts with 0


def test_freephone_numbers_are_business_lines_but_lookalike_mobiles_are_not() -> None:
    assert find_phones("Our UK hotline is 0800 048 7723, free from landlines") == []
    assert [d.start for d in find_phones("my line is 0803 412 7765")] == [11]
