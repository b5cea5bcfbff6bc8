"""The cue phrases, word lists and patterns of the person recogniser (:mod:`bot.privacy.recognisers.persons`).

Cues before a name (strong: "my name is" and its equivalents in other languages; relations and
roles: "my wife", "Agent"; weaker: "this is", "I'm", greetings and thanks of many languages,
"for"/"from"), after it ("X here", "X said"), sign-offs, titles and honorifics, native-script
name patterns (Chinese, Japanese, Korean, Arabic), and the words that make a name-looking phrase
a product, a place, a street or a brand instead.
"""

from __future__ import annotations

import re
from typing import List, Optional

from bot.privacy import lexicon as lex
from bot.privacy.regex import UPPER, trie_re, words_re


_HONORIFICS = "san|sama|kun|chan|sensei|ji|ssi|nim"
NAME_TOKEN_RE = re.compile(rf"[^\W\d_]+(?:['’][^\W\d_]+)*(?:-(?!(?:{_HONORIFICS})\b)[^\W\d_]+)*")
FUNCTION_WORDS = frozenset(
    "a and or the i is of to in on at for my me but not no it you we us he she they his her our your with from by "
    "as if so am are was be this that y e et und ou oder ve dan và".split()
)
"""Words that never continue a name, even capitalised (whereas "An" in "Nguyen Van An" may)."""

TITLE_RE = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sr|Sra|Srta|Mme|Mlle|Herr|Frau|Pan|Pani)\.?\s+(?P<first>[^\W\d_][\w'’-]*)"
    r"(?:\s+(?P<last>[^\W\d_][\w'’-]*))?"
)
PARTICLE_NAME_RE = re.compile(rf"(?:al|el|ad|ar|as|at|an|az|ash|abd|bin|ibn|ben|bint|ould|ait|ul)-{UPPER}[^\W\d_]+(?:-[^\W\d_]+)*")
"""A surname with a lower-case particle joined by a hyphen: "al-Qahtani", "el-Sayed", "bin-Laden"."""
HONORIFIC_RE = re.compile(r"(?<![\w'])%s\s+" % words_re(lex.HONORIFICS), re.I)
MA_RE = re.compile(r"(?<![\w.])Ma\.\s?(?=[A-Z])")
""""Ma." for Maria before a given name ("Ma. Clarissa", Philippine usage)."""
CONTACT_CUE_RE = re.compile(r"\b%s\s+" % trie_re(
    ("tell", "contact", "ask for", "asked for", "ask", "call", "text", "message", "email", "e-mail", "ring")), re.I)
"""A name to reach someone by: "tell Mehdi at the warehouse", "Contact Li Na at ...", "ask for Penelope"."""
LOWER_TITLE_RE = re.compile(r"\b(?:mr|mrs|ms|miss|dr)\.?\s+(?P<name>[a-z][a-z'-]+)\b")
SIGN_OFF_RE = re.compile(
    r"(?:^|[.!?\n]\s*)(?:yours|best|regards|kind\s+regards|best\s+regards|warm\s+regards|cheers|sincerely|thanks|"
    r"thank\s+you|signed|many\s+thanks|thx|ty|love)\s*,\s*(?=[^\W\d_])",
    re.I,
)
OTHER_SIGN_OFF_RE = re.compile(
    r"(?:^|[.!?\n,;]\s*)%s(?:\s*[,!.\n-]\s*|\s+)(?=[^\W\d_])" % words_re((*lex.SIGN_OFFS, *lex.THANKS)), re.I)
"""Sign-offs and thanks of many languages before a name ("Groetjes, Sanne de Vries", "dzięki! Tomek", "Mvh Sigrid
Haugland"): the name must be a known one."""
DASH_SIGN_OFF_RE = re.compile(r"(?:^|\s)[-–—~/]\s*(?P<name>[^\W\d_][\w'’-]*(?:\s+[^\W\d_][\w'’-]*)?)\s*[.!]?\s*$")
"""A message ending in "- Deepa", "— Tomás Ruiz" or "/Linnéa Åberg"."""
INITIAL_RE = re.compile(r"(?<![\w.])(?P<initial>[A-Z])\.\s?(?P<last>[^\W\d_][\w'’-]+)")
"""An initial and a surname: "J. Peterson"."""

PRODUCT_NOUNS = frozenset(
    """boots boot shoes shoe sneakers sandals heels loafers dress dresses coat coats jacket jackets tote totes bag bags
    backpack wallet jeans pants trousers shorts skirt shirt shirts tee blouse sweater cardigan hoodie scarf hat cap
    beanie gloves socks belt watch sunglasses collection line range style styles fit model edition sheets towels duvet
    pillow blanket throw parka blazer vest jumper trainers flats pumps mules clogs slippers polo polos collar perfume
    cologne candle shampoo purse handbag clutch suit tie gown bracelet necklace earrings print pattern fragrance
    jeans denim""".split()
)
"""Words after a given name that make it a product ("the Jackson boots", "the Taylor dress")."""
PLACE_NOUNS = frozenset(
    """city town county province state district island islands beach bay park valley heights hills springs falls
    creek lake river airport station mall centre center hospital university college school bridge harbour harbor
    port village square day eve street road avenue boulevard lane drive way place terrace court gardens""".split()
)
"""Words after a name-looking phrase that make it a place ("Ho Chi Minh City", "Walnut Creek")."""
PLACE_LEADS = frozenset(
    """san santa santo sao los las el la le les de del della da di du st saint sainte port fort mount mt lake new
    north south east west upper lower great little old ho kuala abu buenos puerto costa rio sri tel addis nuevo
    nueva bad bay cape hong isle glen palm""".split()
)
"""First words of place names that also occur as names ("San Diego", "Hong Kong"): never start a name without a cue."""

STRONG_NAME_CUES: tuple[str, ...] = (
    "je m'appelle", "je m’appelle", "mon nom est", "me llamo", "mi nombre es", "mi chiamo", "il mio nome è",
    "il mio nome e", "ich heiße", "ich heisse", "mein name ist", "meu nome é", "meu nome e", "me chamo", "chamo-me",
    "nazywam się", "nazywam sie", "mam na imię", "mam na imie", "jmenuji se", "benim adım", "benim adim",
    "nama saya", "tên tôi là", "ten toi la", "mijn naam is", "ik heet", "jag heter", "jeg heter", "mit navn er",
    "nimeni on", "a nevem", "numele meu este", "mă numesc", "ma numesc", "με λένε", "меня зовут", "pangalan ko ay",
    "ako si",
)
""""My name is" in other languages: a capitalised word after them is a name."""
STRONG_CUE_RE = re.compile(
    r"\b(?:my\s+name\s+is|my\s+name's|(?:his|her|their)\s+name's|name\s+(?:is|was)|name\s*:|(?:full|first|last|given|family|maiden|middle)\s+name"
    r"(?:\s+is|\s*:)?|surname(?:\s+is|\s*:)?|call\s+me|signed\s+(?:for\s+)?by|under\s+the\s+name(?:\s+of)?|"
    r"name\s+(?:on|of)\s+the\s+(?:order|card|account|package|parcel|box|booking|delivery|label|invoice)"
    r"(?:\s+is|\s*:)?|(?:account|card)\s*holder(?:'s\s+name)?(?:\s+is|\s*:)?|cardholder(?:\s+is|\s*:)?|"
    r"contact(?:\s+person)?\s*:|recipient(?:\s+is|\s*:)|attn\.?\s*:?|attention\s*:|c/o|addressed\s+to|"
    r"made\s+out\s+to|in\s+the\s+name\s+of|(?:change|update|correct)\s+(?:the\s+|my\s+)?name\s+to|%s)\s*,?\s+"
    % trie_re(STRONG_NAME_CUES),
    re.I,
)
RELATION_CUE_RE = re.compile(
    r"\b(?:my|our|his|her|their|your)\s+(?:(?:little|big|older|younger|elder|best|late)\s+)?"
    r"(?:husband|wife|partner|spouse|boyfriend|girlfriend|fianc[ée]e?|mom|mum|mommy|mother|dad|daddy|father|"
    r"parents?|son|daughter|kids?|child|sister|brother|niece|nephew|aunt|auntie|uncle|cousin|grand(?:ma|mother|pa|"
    r"father|son|daughter)|nan|nana|granny|neighbou?r|friend|colleague|co-?worker|coworker|boss|flatmate|roommate|"
    r"housemate|landlord|landlady|assistant|tenant|in-laws?|mother-in-law|father-in-law|sister-in-law|"
    r"brother-in-law|stepson|stepdaughter|stepmom|stepdad|caregiver|carer)\s*,?\s+"
    r"|\bname\s*,?\s+|\b(?:agent|rep|representative|associate|advisor|adviser|operator|supervisor|courier|driver|"
    r"specialist|customer|client|recipient|colleague|manager|technician|tailor)\s*,?\s+(?:named\s+|called\s+)?",
    re.I,
)
"""Cues after which a capitalised name is a name even when it is also a word ("my niece Hope", "Agent Marisol")."""
NAME_CUES: tuple[str, ...] = (
    "this is", "i am", "i'm", "im", "it's", "its", "it is", "thanks so much", "thanks very much", "thank you so much",
    "thank you very much", "many thanks", "ok", "okay", "bye", "regards", "he's", "she's", "he is", "she is", "c'est",
    "ask for", "asked for", "asking for", "happy birthday", "happy bday", "happy b-day", "congrats",
    "congratulations", "feliz cumpleaños", "feliz cumpleanos", "joyeux anniversaire", "alles gute", "parabéns",
    "parabens", "buon compleanno", "soy", "je suis", "ich bin", "sono", "eu sou", "sou", "jestem", "saya", "tôi là",
    "toi la", "ik ben", "spoke to", "spoke with", "speak to", "speak with", "talked to", "talked with", "talk to",
    "chatted with", "ask", "named", "called", "husband", "wife", "daughter", "son", "mother", "father", "mom", "dad",
    "sister", "brother", "friend", "colleague", "sorry", "so sorry",
    *(w for w in (*lex.GREETINGS, *lex.THANKS) if w not in ("love", "best", "yo", "ta", "abs")),
)
"""Cue phrases before a name: introductions, greetings and thanks in many languages, "ask for", "he's"."""
CUE_RE = re.compile(r"\b%s\s*,?\s+" % trie_re(NAME_CUES), re.I)
"""Cues after which a name that is rarely an English word is a name ("I'm Oliver", "cheers Siobhan")."""
PREP_CUE_RE = re.compile(r"\b(?:for|from|by|under|with|to)\s*,?\s+", re.I)
"""Weak cues: places follow them too ("from Dublin"), so only names that are rare as English words count."""
POST_CUE_RE = re.compile(
    r"\s*(?:,\s*)?(?:here\b|from\s+(?:the|your|ur|you)\b|(?:said|says|told|tells|emailed|e-mailed|messaged|texted|"
    r"called|rang|mentioned|promised|helped|wrote|sent|asked|ordered|bought|placed|paid|returned|picked|signed|"
    r"confirmed|approved|tried|wants|needs|will\s+(?:pick|collect|sign|call)|is\s+(?:the|my)\s+(?:name|account\s+"
    r"holder|cardholder|recipient))\b|es\s+mi\s+nombre)",
    re.I,
)
"""Words after a name that make it one ("Chukwuemeka Obi here", "Elif said", "Tunde from your team")."""


STREET_LEADS = frozenset(lex.fold(w.rstrip(".")) for w in lex.STREET_TYPES_BEFORE if " " not in w) - {"place", "square", "route"}
"""Street-type words: a capitalised phrase after one is a street ("Calle Mayor"), not a person."""
ENGLISH_CUE_RE = re.compile(r"(?:this\s+is|i\s+am|i'm|im|it's|its|it\s+is|hi|hello|hey|hiya|thanks|thank\s+you|thx|ty|ok|okay|"
                             r"named|called|ask|spoke|speak|talked|talk|chatted)\b", re.I)
"""Cues after which a lower-case word may still be a name ("hey it's anh"); after others it is a word ("grazie mille")."""
GREETING_ONLY_RE = re.compile(r"%s\s*,?\s+$" % words_re(w for w in (*lex.GREETINGS, *lex.THANKS) if w not in (
    "yo", "dear", "morning", "evening", "ta", "ty")), re.I)
NOT_NAMES_AFTER_GREETING = frozenset(
    """sir madam maam ma'am team support there everyone everybody all folks guys friend friends again agent bot world
    harbor mate dude buddy love dear darling sweetie boss chief you u back again customer service sales admin
    manager staff people y'all ya gang family heaps lots loads bro bud pal mates much so madame monsieur
    mademoiselle messieurs señor senor señora senora señorita senhor senhora signor signora signore herr frau
    pan pani meneer mevrouw bey hanım hanim efendi ji sahib bhai didi anh chị chi em kak mas mbak""".split()
)
"""Capitalised words after a greeting that are no names ("Hi Team", "Hello Support")."""
NOT_NAMES_AFTER_ROLE = frozenset("care service services support success experience relations team desk centre center hub".split())
"""Words after "Customer"/"Client" that make a department, not a person ("Customer Care")."""


VOCATIVE_RE = re.compile(r",\s+(?P<name>[^\W\d_][\w'’-]*)\s*(?:[.!?…]+(?:\s|$)|\s[—–-]\s|$)")
LAST_SENTENCE_RE = re.compile(r"(?:[.!?]\s+|\n\s*)(?P<name>[^\W\d_][\w'’-]*(?:\s+[^\W\d_][\w'’-]*){0,2})\s*[.!]?\s*$")
_CJK = r"[\u4e00-\u9fff\u3400-\u4dbf]"
CJK_NAME_BEFORE_RE = re.compile(rf"(?P<name>{_CJK}{{1,4}}?)(?:です|と申します|といいます|と言います|でございます|さん|様|さま|くん|君|ちゃん)")
CJK_NAME_AFTER_RE = re.compile(rf"(?:我叫|我是|我的名字是|名字是|名字叫|姓名[:：]?\s*|私は)(?P<name>{_CJK}{{2,3}}?)(?=$|[，。,.!！\s]|先生|女士|小姐|です|と申します|的|，|。)")
HANGUL_NAME_RE = re.compile(
    r"(?:저는|제\s?이름은|이름은|이름:)\s*(?P<name>(?:%s)[가-힣]{1,2}?)(?=입니다|이에요|예요|이고|라고|$|[\s,.!])"
    % "|".join(sorted(lex.HANGUL_SURNAMES)))
HANGUL_NAME_BEFORE_RE = re.compile(
    r"(?:^|(?<=[\s,.!]))(?P<name>(?:%s)[가-힣]{2})\s?(?=입니다|이에요|예요|이라고\s?합니다|라고\s?합니다)" % "|".join(sorted(lex.HANGUL_SURNAMES)))
"""A three-syllable Korean name before "입니다" ("김민준 입니다")."""
CJK_LAST_NAME_RE = re.compile(rf"(?:^|(?<=[，,！!。.、：:\s]))\s*(?P<name>{_CJK}{{2}}\s{_CJK}{{1,2}}|{_CJK}{{2,4}})\s*[。.!！]?\s*$")
ARABIC_NAME_RE = re.compile(
    r"(?P<cue>اسمي|إسمي|أنا|انا)\s+(?P<name>[\u0621-\u064A]+(?:\s+[\u0621-\u064A]+){0,2}?)(?=\s*(?:[،,.!؟]|$))")
"""An Arabic name after "اسمي" ("my name is") or "أنا" ("I am"), up to the next comma."""
ARABIC_RE = re.compile(r"[\u0600-\u06ff]")
BRAND_RE = re.compile(r"\b%s\b" % trie_re(b.lower() for b in lex.BRANDS), re.I)


def is_brand(text: str, start: int, end: int, spans: Optional[List[tuple]] = None) -> bool:
    """True when [start, end) overlaps a brand name ("Michael Kors", "Ralph Lauren").

    ``spans``: the brand spans of ``text`` when already known.
    """
    if spans is None:
        spans = [m.span() for m in BRAND_RE.finditer(text)]
    return any(s < end and start < e for s, e in spans)
