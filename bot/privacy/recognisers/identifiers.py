"""``ORDER_ID`` and ``ACCOUNT_ID``: order numbers, references and account identifiers.

* ``ORDER_ID``: Harbor & Pine order numbers (``HP-482913``, ``hp482913``, ``#HP-482913``, or a
  bare number after the word "order"), identifiers after "order id/number", "ticket", "case",
  "order" in other languages ("el pedido 5583019"), "ref", "reference", "invoice", "return
  reference", requests named by their kind ("exchange request EX-55120", "return R-77120"),
  self-naming references (``RMA-20931``) and any upper-case prefixed id (``WS-20931``) that is no
  product code or standard (``SKU-44821``, ``ISO-9001``).
* ``ACCOUNT_ID``: identifiers after "username", "handle", "account number", "customer id",
  "member", "rewards member", "login", "loyalty number for the points"..., user names on chat
  and social platforms ("my kakao is minji_kim_92"), profile addresses
  ("facebook.com/jerome.delacruz.ph"), dotted user names after "account", ``@handles`` and a
  message that is only an identifier-like token. (The local part of an e-mail address seen in
  the same conversation is added by the redactor: ABCD usernames are exactly that.)
"""

from __future__ import annotations

import re
from typing import List

from bot.privacy import lexicon as lex
from bot.privacy.detection import Detection
from bot.privacy.recognisers.name_scores import name_score
from bot.privacy.regex import DATE_LIKE_RE, UPPER, trie_re, words_re


_HP_ORDER_RE = re.compile(r"(?<![\w#])#?HP[- ]?(\d{6})\b", re.I)
ORDER_WORDS: tuple[str, ...] = (
    "order", "ordr", "oder", "purchase", "confirmation", "invoice", "receipt", "booking", "ref", "reference", "rma",
    "ticket", "case", "pedido", "encomenda", "commande", "bestellung", "bestellnummer", "auftragsnummer", "ordine",
    "bestelling", "ordernummer", "zamówienie", "zamowienie", "zamówienia", "objednávka", "objednavka", "tilaus",
    "beställning", "bestilling", "ordre", "ordrenummer", "sipariş", "siparis", "rendelés", "comandă", "comanda",
)
"""Words after which an identifier with four digits is an order (or ticket) number, in several languages."""
_ORDER_CONTEXT_RE = re.compile(
    r"\b(?:%s|return(?:s)?\s+(?:ref|reference|authori[sz]ation|number|no\.?|id))\s*"
    r"(?:id|number|num|no\.?|nº|n°|nr\.?|#|code|número|numero|nummer|numer|numéro)?\s*"
    r"(?:is|was|:)?\s*#?\s*(?P<value>[A-Z0-9][A-Z0-9-]{3,24})\b" % trie_re(ORDER_WORDS),
    re.I,
)
"""An identifier after "order", "ref", "return reference", "RMA", "ticket", "case", or "order" in other
languages ("el pedido 5583019", "commande 44812", "Bestellung 77120"); it needs four digits."""
_PREFIXED_REF_RE = re.compile(r"(?<![\w-])(?:RMA|RET|REF|ORD|INV)[-#]?\d{4,12}(?![\w-])", re.I)
"""A return or order reference that names itself: "RMA-20931", "INV 448120"."""
_ACCOUNT_CONTEXT_RE = re.compile(
    r"\b(?:user\s*name|user\s*id|login|log-in|handle|screen\s*name|gamertag|acct\.?|"
    r"(?:account|customer|member(?:ship)?|loyalty|rewards|client|profile|subscriber)\s*(?:id|number|num|no\.?|#|code)|"
    r"(?:rewards|loyalty)\s+member|member)"
    r"(?:\s+(?:on|for|at|in|with)\s+(?:the|your|ur|my)\s+[a-z]+)?"
    r"\s*(?:is|was|:|=|#)?\s*(?:(?:registered\s+)?(?:under|as)\s+)?(?P<value>@?[A-Za-z0-9][A-Za-z0-9._-]{2,40})",
    re.I,
)
REQUEST_WORDS: tuple[str, ...] = (
    "return", "exchange", "replacement", "refund", "claim", "case", "ticket", "complaint", "warranty", "repair",
    "rücksendung", "ruecksendung", "retoure", "umtausch", "reklamation", "devolución", "devolucion", "devolução",
    "devolucao", "cambio", "troca", "retour", "échange", "echange", "reclamation", "réclamation", "reso", "rimborso",
    "reklamacja", "zwrot", "iade",
)
_REQUEST_REF_RE = re.compile(
    r"\b%s"
    r"(?:\s+(?:request|ref(?:erence)?|id|no\.?|number|#))?\s*(?:is|was|:)?\s*#?\s*"
    r"(?P<value>(?-i:[A-Z]{1,5})-?\d{4,12})(?![\w-])" % trie_re(REQUEST_WORDS),
    re.I,
)
"""A request named by its kind, also in other languages: "exchange request EX-55120", "return R-77120", "ticket
TK-20931", "Rücksendung R-80331", "devolución D-4471"."""
_CARD_ACCOUNT_RE = re.compile(
    r"\b(?:rewards?|loyalty|member(?:ship)?|club|points|bonus|store|gift)\s+card(?:\s+(?:number|no\.?|#|id))?"
    r"\s*(?:is|:)?\s*#?\s*(?P<value>(?-i:[A-Z]{1,5})[\s-]?\d{3,8}(?:[\s-]\d{3,8}){0,3}|\d{3,8}(?:[\s-]\d{3,8}){1,3})(?![\w-])",
    re.I,
)
"""A loyalty or member card number, often grouped: "Reward card HPR 4471 0392"."""
_PREFIXED_ID_RE = re.compile(r"(?<![\w#/.-])(?P<prefix>[A-Z]{2,6}(?:-[A-Z]{2,8})*)-\d{4,12}(?![\w-])")
"""An identifier of the shape "WS-20931", "HP-LOYAL-5567102", "CUST-883201" anywhere."""
NOT_ID_PREFIXES = frozenset(
    "SKU UPC EAN ISBN ISSN ISO DIN EN IEC ASTM ANSI ART MOD STYLE COL REF GTX RTX RX GT SM PN MPN COVID SARS PM AM "
    "CE FCC TUV UL USB HDMI DDR LED LCD".split()
)
"""Prefixes of product codes, standards and model numbers, which are no personal data ("SKU-44821", "ISO-9001")."""
_PRODUCT_BEFORE_RE = re.compile(r"\b(?:sku|item|product|model|style|part|article|code|size|standard|version|promo|coupon|voucher|discount)\W*(?:number|no\.?|#|code)?\W*$", re.I)
_ACCOUNT_BEFORE_RE = re.compile(r"\b(?:account|acct|member(?:ship)?|customer|client|loyalty|rewards|user|profile|subscriber|"
                                r"workspace|login)\b[^.!?]{0,30}$", re.I)
PLATFORMS = (
    "kakao", "kakaotalk", "line", "line id", "wechat", "weixin", "telegram", "signal", "discord", "skype", "insta",
    "instagram", "ig", "fb", "facebook", "twitter", "tiktok", "snap", "snapchat", "viber", "zalo", "qq", "linkedin",
    "github", "steam", "psn", "xbox", "xbox live", "slack", "teams", "threads", "bluesky", "reddit", "twitch",
    "youtube", "pinterest", "vk", "weibo", "whatsapp", "messenger", "gamertag", "roblox", "epic", "nintendo",
)
"""Chat and social platforms whose user names customers give ("my kakao is minji_kim_92")."""
_PLATFORM_HANDLE_RE = re.compile(
    r"\b%s(?:\s+(?:id|handle|username|user\s*name|name|account|acc|profile))?\s*(?:is|:|=|-)?\s*"
    r"(?P<value>@?[A-Za-z0-9][A-Za-z0-9._-]{2,40})" % words_re(PLATFORMS),
    re.I,
)
_PROFILE_URL_RE = re.compile(
    r"(?<![\w.])(?:https?://)?(?:www\.|m\.)?(?:facebook|fb|instagram|twitter|x|tiktok|linkedin|github|t|wa|vk|weibo|"
    r"threads|pinterest|youtube|twitch|reddit|snapchat)\.(?:com|me|net)/(?:in/|user/|u/|@)?[\w.@-]{2,60}(?<![.])",
    re.I,
)
"""A social profile address: "facebook.com/jerome.delacruz.ph", "linkedin.com/in/anna-k"."""
_ACCOUNT_HANDLE_RE = re.compile(
    r"\b(?:account|acct|profile|user)\s*(?:is|:|=)?\s*(?P<value>[a-z][a-z0-9]+[._][a-z0-9]+(?:[._][a-z0-9]+)*)(?![\w@.-])")
"""An account named by a dotted or underscored user name: "account hakim.nurul"."""
_DOMAIN_END_RE = re.compile(r"\.(?:com|net|org|io|co|uk|de|fr|es|it|nl|info|app|example|html?|php|pdf|jpg|png)$", re.I)
_HANDLE_RE = re.compile(r"(?<![\w.@])@(?P<handle>[A-Za-z][A-Za-z0-9_.]{2,29})(?<![.])(?![\w@])")
"""A social or chat handle: "@lena_k_berlin"."""
LOGIN_NOUNS = frozenset(
    """code codes page screen details detail info information issue issues problem problems button link links email
    password passwords name names attempt attempts credentials form error errors help access process request requests
    again button app site website portal option options method methods history session sessions window""".split()
)
"""Words after "login"/"username" that are about logging in, not a user name ("login code")."""
_USERNAME_CUE_RE = re.compile(r"user\s*name|login|log-in|handle|screen\s*name|gamertag", re.I)
_UPS_RE = re.compile(r"^1Z[0-9A-Z]{16}$", re.I)
_ID_TOKEN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def order_key(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    return f"HP-{digits}" if len(digits) == 6 and re.fullmatch(r"(?:#?HP[- ]?)?\d{6}", value, re.I) else value.upper()


def _looks_like_username(value: str) -> bool:
    """A lower-case word that is no English word or name on its own: an initial and a surname ("rkapoor")."""
    if not value.islower() or len(value) < 5:
        return False
    if name_score(lex.fold(value)) is not None:
        return False  # "login maria": too ambiguous without "is"
    return name_score(lex.fold(value[1:])) is not None or name_score(lex.fold(value[2:])) is not None


def find_identifiers(text: str, previous_text: str = "") -> List[Detection]:
    """Order numbers and account identifiers (see module docstring)."""
    found = []
    for match in _HP_ORDER_RE.finditer(text):
        found.append(Detection(match.start(), match.end(), "ORDER_ID", f"HP-{match.group(1)}", True, "order-hp"))
    for match in _PREFIXED_REF_RE.finditer(text):
        found.append(Detection(match.start(), match.end(), "ORDER_ID", re.sub(r"[- #]", "", match.group().upper()), True, "order-ref"))
    position = 0
    while True:
        match = _ORDER_CONTEXT_RE.search(text, position)
        if not match:
            break
        value = match.group("value").rstrip(".-")
        if re.fullmatch(r"(?:19|20)\d\d", value) and not re.match(r"(?i:order|ref|invoice|receipt|confirmation|rma)", match.group()):
            value = ""  # "in case 2025 prices go up", "Bestellung 2024": a year
        if sum(c.isdigit() for c in value) < 4 or DATE_LIKE_RE.fullmatch(value):
            position = match.start("value")  # "order is ticket 48812": the cue may sit inside the rejected value
            continue  # "reference 2024-11-30" is a date
        position = match.end()
        start = match.start("value")
        found.append(Detection(start, start + len(value), "ORDER_ID", order_key(value), True, "order-context"))
    for match in _ACCOUNT_CONTEXT_RE.finditer(text):
        value = match.group("value").rstrip(".-_")
        has_digit = any(c.isdigit() for c in value)
        lower = value.lower().lstrip("@")
        if lower in lex.COMMON_WORDS or lower in LOGIN_NOUNS or (not has_digit and not _USERNAME_CUE_RE.search(match.group())):
            continue
        separated = re.search(r"(?:\bis|\bwas|[:=#])\s*$", text[match.start():match.start("value")], re.I)
        if not has_digit and not re.search(r"[._@]", value) and not separated and not _looks_like_username(value):
            continue  # "login details", "username field": a plain word needs "is" or ":" before it
        start = match.start("value")
        found.append(Detection(start, start + len(value), "ACCOUNT_ID", value.lower(), True, "account-context"))
    for match in _CARD_ACCOUNT_RE.finditer(text):
        value = match.group("value")
        found.append(Detection(match.start("value"), match.end("value"), "ACCOUNT_ID", re.sub(r"[\s-]", "", value.upper()), True, "account-card"))
    for match in _HANDLE_RE.finditer(text):
        found.append(Detection(match.start(), match.end(), "ACCOUNT_ID", match.group().lower(), True, "handle"))
    for match in _REQUEST_REF_RE.finditer(text):
        value = match.group("value")
        found.append(Detection(match.start("value"), match.end("value"), "ORDER_ID", value.upper(), True, "order-request"))
    for match in _PREFIXED_ID_RE.finditer(text):
        prefix = match.group("prefix")
        if prefix.split("-")[0] in NOT_ID_PREFIXES or _PRODUCT_BEFORE_RE.search(text, max(0, match.start() - 30), match.start()):
            continue
        if len(prefix) <= 2 and re.match(rf"\s+{UPPER}\w", text[match.end():]):
            continue  # "CH-8001 Zürich": a postcode
        kind = "ACCOUNT_ID" if _ACCOUNT_BEFORE_RE.search(text, max(0, match.start() - 40), match.start()) else "ORDER_ID"
        found.append(Detection(match.start(), match.end(), kind, match.group().upper(), False, "prefixed-id"))
    for match in _PLATFORM_HANDLE_RE.finditer(text):
        value = match.group("value").rstrip("._-")
        if not re.search(r"[A-Za-z]", value) or not re.search(r"[\d_.@]", value) or value.lower() in lex.COMMON_WORDS:
            continue  # "my line is 0412 345 678" is a phone, "my insta is private" a word
        if "@" in value[1:] or _DOMAIN_END_RE.search(value):
            continue  # an e-mail address or a web address
        start = match.start("value")
        found.append(Detection(start, start + len(value), "ACCOUNT_ID", value.lower(), True, "platform-handle"))
    for match in _PROFILE_URL_RE.finditer(text):
        found.append(Detection(match.start(), match.end(), "ACCOUNT_ID", match.group().lower(), True, "profile-url"))
    for match in _ACCOUNT_HANDLE_RE.finditer(text):
        value = match.group("value")
        if not _DOMAIN_END_RE.search(value):
            found.append(Detection(match.start("value"), match.end("value"), "ACCOUNT_ID", value, True, "account-handle"))
    # A message that is nothing but an identifier ("cminh730", "7916676427").
    stripped = text.strip().rstrip(".!")
    if _ID_TOKEN_RE.fullmatch(stripped) and not _UPS_RE.match(stripped):
        digits = sum(c.isdigit() for c in stripped)
        letters = sum(c.isalpha() for c in stripped)
        start = text.index(stripped)
        if (letters >= 2 and digits >= 2 and 5 <= len(stripped) <= 30) or (letters == 0 and 7 <= digits <= 12):
            asked_for_order = bool(re.search(r"\border\b", previous_text, re.I)) and letters == 0
            kind = "ORDER_ID" if asked_for_order else "ACCOUNT_ID"
            key = order_key(stripped) if kind == "ORDER_ID" else stripped.lower()
            found.append(Detection(start, start + len(stripped), kind, key, asked_for_order, "bare-id"))
    return found
