"""Everyday words of many languages: common English words, phone cues, greetings, thanks, sign-offs."""

from __future__ import annotations


def bar_list(text: str) -> tuple[str, ...]:
    """The "|"-separated entries of ``text`` (line breaks ignored), in order, without repeats."""
    return tuple(dict.fromkeys(item.strip() for item in text.replace("\n", " ").split("|") if item.strip()))


COMMON_WORDS: frozenset[str] = frozenset(
    """
    a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers herself him himself his how i if in into is it its itself just me more most
    my myself no nor not now of off on once only or other our ours ourselves out over own same she
    should so some such than that the their theirs them themselves then there these they this those
    through to too under until up very was we were what when where which while who whom why with
    would you your yours yourself yourselves yes ok okay sure thanks thank hi hello hey bye goodbye
    please sorry great good fine happy sad glad the order orders account email phone number address
    card refund return returns item items package parcel delivery shipping shipment store shop team
    support customer service manager agent help issue problem question still also really again back
    waiting calling writing looking trying wondering asking checking here there today tomorrow
    yesterday morning afternoon evening night monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november december christmas
    easter thanksgiving black friday size sizes color colour colors new old first last next same other
    gift gifts sale final express standard free wool cotton cashmere sweater scarf tote coat jacket
    jeans shirt shirts shoes boots socks dress bag bags portal guide settings visa mastercard amex
    paypal ups usps fedex dhl not sure very much so much ridiculous second third annoyed frustrated
    confused disappointed interested going calling done ready home away online available there right
    wrong broken damaged missing lost late early is was someone somebody anyone anybody nobody everyone
    everybody whoever bonjour merci hola gracias ciao salam namaste danke bitte hallo hej ni hao konnichiwa
    eid diwali hanukkah ramadan kwanzaa
    """.split()
)
"""Lower-case words that are never part of a person name when they follow a cue."""


PHONE_CUES: tuple[str, ...] = bar_list("""
tel|tel.|tél|tél.|telp|telf|tlf|tlf.|tfn|fono|phone|ph|ph.|mobile|mob|mob.|mobil|mobiel|mobila|móvil|movil|
cel|cell|celu|celular|cellulare|cellphone|handy|telefon|telefone|telefono|teléfono|téléfono|telefonu|telefonum|
telemóvel|telemovel|gsm|portable|portatile|whatsapp|wa|zap|viber|sdt|sđt|đt|hp|landline|contact|contacto|contato|
kontakt|call|call me|call me on|call me at|ring|ring me|ring på|ring mig|ringe|ring meg|text|text me|sms|
reach me|reach me on|reach me at|my number|mi número|mi numero|meu número|meu numero|mijn nummer|mein nummer|
meine nummer|mój numer|moj numer|mon numéro|mon numero|il mio numero|min nummer|mitt nummer|numaram|nomor|no hp|
no. hp|电话|電話|手机|手機|电话号码|電話番号|携帯|연락처|전화|휴대폰|핸드폰|телефон|тел|моб|
""")
"""Words that introduce a phone number, in many languages ("tlf", "ring på", "celu", "Handy", "电话"). A digit
run right after one is tried as a national number of many countries (``CUE_PHONE_REGIONS`` in the
redactor); they are never names or parts of an address."""

GREETINGS: tuple[str, ...] = bar_list("""
hi|hello|hey|hiya|heya|howdy|yo|dear|good morning|good afternoon|good evening|good day|morning|evening|g'day|
gday|bonjour|bonsoir|salut|coucou|allô|allo|hola|buenos días|buenos dias|buenas tardes|buenas noches|buenas|
buen día|buen dia|estimado|estimada|querido|querida|olá|ola|oi|bom dia|boa tarde|boa noite|prezado|prezada|
ciao|salve|buongiorno|buonasera|caro|cara|gentile|hallo|guten tag|guten morgen|guten abend|moin|servus|
grüß gott|gruss gott|grüezi|gruezi|liebe|lieber|sehr geehrte|sehr geehrter|hoi|hallo daar|goedemorgen|
goedemiddag|goedenavond|beste|hej|hejsan|hei|heippa|moi|terve|tere|labas|sveiki|cześć|czesc|dzień dobry|
dzien dobry|witam|witaj|drogi|droga|ahoj|dobrý den|dobry den|zdravo|zdravím|bok|merhaba|selam|sayın|namaste|
namaskar|vanakkam|salaam|salam|assalamualaikum|assalamu alaikum|as-salamu alaykum|marhaba|ahlan|shalom|
sawubona|jambo|habari|hujambo|kia ora|tena koe|talofa|aloha|bula|xin chào|xin chao|chào|chao|selamat pagi|
selamat siang|selamat sore|selamat malam|halo|hai|kumusta|kamusta|magandang umaga|magandang hapon|
sawasdee|sawadee|sawatdee|annyeong|annyeonghaseyo|konnichiwa|ohayo|ohayou|moshi moshi|ni hao|nǐ hǎo|
privet|zdravstvuyte|dobryy den|yassou|geia sou|yia sou|kalimera|szia|sziasztok|jó napot|buna|bună ziua|
buna ziua|zdravei|dobar dan|hyvää päivää|god morgen|goddag|god dag|hallå|mingalaba|dia duit|
""")
"""Greetings after which a capitalised word is often the person greeted ("Hallo Joaquín", "Kia ora Aroha")."""

THANKS: tuple[str, ...] = bar_list("""
thanks|thank you|thankyou|ty|thx|tnx|cheers|ta|merci|merci beaucoup|gracias|muchas gracias|mil gracias|
obrigado|obrigada|muito obrigado|muito obrigada|grazie|grazie mille|danke|danke schön|danke schon|vielen dank|
dank je|dank je wel|dank u|dank u wel|bedankt|dziękuję|dziekuje|dzięki|dzieki|děkuji|dekuji|díky|diky|
teşekkürler|tesekkurler|teşekkür ederim|sağol|sagol|terima kasih|makasih|trims|salamat|maraming salamat|
cảm ơn|cam on|cám ơn|arigato|arigatou|arigatō|kamsahamnida|gamsahamnida|gomawo|xie xie|xièxie|shukran|
spasibo|efcharisto|ευχαριστώ|köszönöm|koszonom|mulțumesc|multumesc|tack|tack så mycket|takk|tusen takk|tak|
mange tak|kiitos|dhanyavaad|dhanyavad|shukriya|asante|ngiyabonga|dankie|mahalo|hvala|toda|
""")
"""Thanks in many languages; a capitalised name right after them is the person thanked ("dzięki, Tomek")."""

SIGN_OFFS: tuple[str, ...] = bar_list("""
yours|best|regards|kind regards|best regards|warm regards|warmest regards|cheers|sincerely|yours sincerely|
yours truly|signed|love|many thanks|all the best|best wishes|take care|saludos|un saludo|saludos cordiales|
atentamente|cordialmente|un abrazo|abrazos|besos|cordialement|bien à vous|bien a vous|amitiés|amities|bisous|
bises|grüße|gruesse|viele grüße|liebe grüße|beste grüße|lg|mfg|mit freundlichen grüßen|freundliche grüße|
groetjes|groeten|hartelijke groet|met vriendelijke groet|mvg|pozdrawiam|pozdrowienia|pozdrav|pozdravy|
s pozdravem|saluti|cordiali saluti|distinti saluti|un saluto|abraços|abracos|atenciosamente|beijos|abs|
saygılarımla|saygilarimla|selamlar|hormat saya|salam hangat|trân trọng|tran trong|hälsningar|halsningar|
med vänliga hälsningar|mvh|med vennlig hilsen|hilsen|venlig hilsen|ystävällisin terveisin|terveisin|
s uvazheniyem|üdvözlettel|cu stimă|xoxo|
""")
"""Sign-offs after which a name may follow ("Groetjes, Sanne de Vries", "Pozdrawiam, Tomek")."""
