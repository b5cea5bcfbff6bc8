"""Word lists for the person-name and address recognisers of :mod:`bot.data.redact`.

Two kinds of data:

* hand-written lists below (common US/Canadian given names and surnames across origins, brand
  names a clothing retailer's customers mention, common English words that are also names,
  street suffixes, states and provinces): trusted enough to find a name without any cue;
* ``pii_names.tsv.gz`` next to this file: about 110,000 given names and surnames from 105
  countries, reduced at build time from the ``names-dataset`` 3.3.1 package (see
  :func:`build_names_file`), each with its frequency as an ordinary English word (``wordfreq``
  3.1.1), so that the recognisers can tell "Zeynep" (a name anywhere) from "Hope" or "Will"
  (names only in name context). Loaded lazily on first use (:func:`international_names`,
  ~0.2 s, ~20 MB); the two build-time packages are not needed at run time.

Standard library only: importable in any environment.
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Dict, Optional

_FIRST = """
aaron abby abdul abigail adam adrian adriana aisha aiden alan albert alberto alejandro alessandro alex
alexa alexander alexandra alexis ali alice alicia alison allison alyssa amanda amber amelia amir amit
amy ana andre andrea andrew andy angela angelica angie anita ann anna anne annie anthony antonio
april aria ariana arjun arthur ashley audrey austin ava avery barbara ben benjamin beth bethany
betty beverly bill billy blake bobby bob bonnie brad bradley brandon brenda brendan brett brian
brianna bridget brittany brooke bruce bryan caleb cameron camila carl carla carlos carmen carol
caroline carolyn carrie casey catherine cathy chad charles charlie charlotte chelsea cheryl chloe
chris christian christina christine christopher cindy claire clara claudia cody colin connor
courtney craig crystal curtis cynthia daisy dale dan dana daniel daniela danielle darius darren
dave david dawn dean deborah debra deepak denise dennis derek destiny devon diana diane diego dimitri
dmitri dominic don donald donna doris dorothy douglas dustin dylan eddie edward elaine elena eli
elijah elizabeth ella ellen emily emma eric erica erik erin ethan eugene eva evan evelyn fatima felix
fernando fiona frances francesca francis frank gabriel gabriela gabrielle gary gavin george gerald
gina giovanni gloria gordon grace greg gregory hailey haley hannah harold harper harry hassan heather
hector heidi helen henry holly howard hugo ian igor irene isaac isabel isabella isaiah ivan jack
jackie jackson jacob jacqueline jaden jake james jamie jan jane janet janice jared jasmine jason
javier jay jean jeff jeffrey jenna jennifer jenny jeremy jerry jesse jessica jesus jill jim jimmy
joan joanna joe joel john johnny jonathan jordan jorge jose joseph josh joshua joy joyce juan judith
judy julia julian julie justin kaitlyn karen karl kate katherine kathleen kathryn kathy katie
kayla keith kelly ken kenneth kevin kim kimberly kirsten krista kristen kristin kyle laura lauren
lawrence leah lee leo leon leonardo liam lily linda lindsay lisa logan lori louis lucas lucia lucy
luis luke lydia lynn madison maggie malik mandy manuel marc marcus margaret maria mariah marie
marilyn mario marisa mark marsha martha martin marvin mary mason matt matthew maureen max maya megan
melanie melissa mia michael michelle miguel mike mila miles minh mohamed mohammed monica morgan
muhammad nadia nancy naomi natalie natasha nathan neil nicholas nick nicole nina noah nora olga
olivia omar oscar owen pablo paige pamela patricia patrick paul paula pedro peter philip phillip
phoebe priya rachel rafael rahul raj ramon randy raquel raul ray rebecca regina renee ricardo
richard rick ricky riley rita rob robert roberto robin rodrigo roger ronald rosa rose ross roy ruby
russell ruth ryan sabrina sally sam samantha samuel sandra sara sarah scott sean sebastian sergio
seth shannon sharon shawn sheila shirley simon sofia sophia sophie stacy stella stephanie stephen
steve steven sue susan sydney sylvia tammy tanya tara taylor teresa terry theresa thomas tiffany
tim timothy tina todd tom tommy tony tracy travis trevor tyler valerie vanessa veronica victor
victoria vincent virginia vivian walter wanda wayne wei wendy william willie xavier yasmin yolanda
yusuf zachary zoe zoey keisha latoya tyrone darnell deshawn jamal shanice ebony aaliyah jin hiro
yuki kenji mei ling chen hui sanjay anil sunita ravi vikram ananya rohan aditya nikhil pooja neha
kwame kofi amara chidi ngozi emeka oluwaseun fatou mamadou ibrahim ahmed youssef layla noor zainab
hamza bilal sven lars ingrid astrid pierre jacques amelie chantal francois giulia marco luca matteo
chiara sofie jonas lukas anja katarzyna piotr tomasz agnieszka oksana yulia sergei nikolai anastasia
"""

_SURNAMES = """
smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez gonzalez
wilson anderson thomas taylor moore jackson martin lee perez thompson white harris sanchez clark
ramirez lewis robinson walker young allen king wright scott torres nguyen hill flores green adams
nelson baker hall rivera campbell mitchell carter roberts gomez phillips evans turner diaz parker
cruz edwards collins reyes stewart morris morales murphy cook rogers gutierrez ortiz morgan cooper
peterson bailey reed kelly howard ramos kim cox ward richardson watson brooks chavez wood james
bennett gray mendoza ruiz hughes price alvarez castillo sanders patel myers long ross foster jimenez
powell jenkins perry russell sullivan bell coleman butler henderson barnes gonzales fisher vasquez
simmons romero jordan patterson alexander hamilton graham reynolds griffin wallace moreno west cole
hayes bryant herrera gibson ellis tran medina aguilar stevens murray ford castro marshall owens
harrison fernandez mcdonald woods washington kennedy wells vargas henry chen freeman webb tucker
guzman burns crawford olson simpson porter hunter gordon mendez silva shaw snyder mason dixon munoz
hunt hicks holmes palmer wagner black robertson boyd rose stone salazar fox warren mills meyer rice
schmidt garza daniels ferguson nichols stephens soto weaver ryan gardner payne grant dunn kelley
spencer hawkins arnold pierce vazquez hansen peters santos hart bradley knight elliott cunningham
duncan armstrong hudson carroll lane riley andrews alvarado ray delgado berry perkins hoffman
johnston matthews pena richards contreras willis carpenter lawrence sandoval okafor nair kowalski
rahman harper oconnor o'connor mendez ivanova ivanov wu wang li zhang liu yang huang zhao zhou xu sun
ma zhu hu guo he lin luo tanaka suzuki takahashi watanabe ito yamamoto nakamura kobayashi sato
singh kumar sharma gupta shah mehta reddy iyer das bose khan ali hussain ahmed malik chaudhry
mueller muller schneider fischer weber becker rossi russo ferrari esposito bianchi romano colombo
dubois moreau laurent lefebvre leroy girard bernard petit durand novak horvat nowak kowalczyk
wisniewski o'brien obrien mccarthy doyle byrne walsh oneill o'neill murphy kelly quinn phoenix minh
"""

FIRST_NAMES: frozenset[str] = frozenset(_FIRST.split())
SURNAMES: frozenset[str] = frozenset(_SURNAMES.split())

AMBIGUOUS_NAMES: frozenset[str] = frozenset(
    """
    will may june april august grace mark bill rose crystal amber art jean summer hope faith joy penny
    pat sandy ray chase dawn holly ivy iris lily daisy ruby pearl carol frank sue don guy rich victor
    max jack jordan taylor hunter mason cooper parker brooks wood rice long price king young hill green
    black white brown gray stone rose lane ford bell cole west hunt grant page skye sky chance star
    miles sterling storm autumn winter harmony melody lee kim ken jan robin drew hudson lincoln kent
    austin dallas paris sydney savannah brooklyn phoenix carter bishop duke earl baker cook
    """.split()
)
"""Given names that are also common words or places: never a name on their own, only with a cue."""

BRANDS: frozenset[str] = frozenset(
    brand.strip()
    for brand in """
    michael kors|calvin klein|tommy hilfiger|ralph lauren|kate spade|marc jacobs|tory burch|
    vera wang|steve madden|kenneth cole|anne klein|betsey johnson|jessica simpson|john varvatos|
    guess|levi|levis|levi's|hugo boss|giorgio armani|stella mccartney|alexander mcqueen|tom ford|
    jimmy choo|christian louboutin|paul smith|ted baker|karl lagerfeld|harbor pine|pine points|
    apple pay|canada post|pip|jordan|nike|adidas|gap|zara|uniqlo|coach|fossil|timberland|
    dr martens|dr. martens|doc martens|sam edelman|stuart weitzman|louis vuitton|ann taylor|
    christian dior|pierre cardin|yves saint laurent|saint laurent|eddie bauer|tommy bahama|tommy john|
    fred perry|ben sherman|rebecca minkoff|cole haan|vince camuto|vera bradley|allen edmonds|
    johnston murphy|johnston & murphy|brooks brothers|lucky brand|salvatore ferragamo|manolo blahnik|
    carolina herrera|oscar de la renta|diane von furstenberg|alexander wang|isabel marant|max mara|
    helly hansen|jack wolfskin|jack jones|jack & jones|charles tyrwhitt|thomas pink|thomas sabo|
    daniel wellington|monica vinader|laura ashley|laura mercier|charlotte tilbury|bobbi brown|jo malone|
    estee lauder|estée lauder|paul mitchell|john frieda|john lewis|harvey nichols|dorothy perkins|
    marks spencer|marks & spencer|karen millen|ann summers|liz claiborne|eileen fisher|joe fresh|
    lane bryant|ashley stewart|nicole miller|donna karan|emilio pucci|roberto cavalli|giuseppe zanotti|
    elie saab|zac posen|victoria beckham|victoria's secret|tim hortons|trader joe's|wendy's|
    mcdonald's|ben & jerry's|ben jerry's|dolce & gabbana|dolce gabbana|johnson & johnson|levi strauss|
    rag & bone|ray-ban|ray ban|peter pan|santa claus|mona lisa|harry potter|
    mickey mouse|minnie mouse|hello kitty|siri|cortana|royal mail|
    """.replace("\n", "").split("|")
    if brand.strip()
)
"""Brand and product names that contain given names; matched case-insensitively, never redacted."""

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

STREET_SUFFIXES: tuple[str, ...] = (
    "street", "st", "avenue", "ave", "av", "road", "rd", "boulevard", "blvd", "lane", "ln", "drive", "dr",
    "court", "ct", "way", "place", "pl", "terrace", "ter", "circle", "cir", "parkway", "pkwy", "highway",
    "hwy", "square", "sq", "trail", "trl", "crescent", "cres", "plaza", "loop", "pike", "alley", "row",
    "broadway", "expressway", "freeway", "quay", "walk", "mews", "gardens", "grove", "heights", "crossing",
    "esplanade", "wharf", "landing",
)

STATES: tuple[str, ...] = tuple(
    """
    AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY
    NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR AB BC MB NB NL NS NT NU ON PE QC SK YT
    """.split()
)
"""US state and Canadian province codes."""

STATE_NAMES: tuple[str, ...] = (
    "alabama", "alaska", "arizona", "arkansas", "california", "colorado", "connecticut", "delaware",
    "florida", "georgia", "hawaii", "idaho", "illinois", "indiana", "iowa", "kansas", "kentucky",
    "louisiana", "maine", "maryland", "massachusetts", "michigan", "minnesota", "mississippi", "missouri",
    "montana", "nebraska", "nevada", "new hampshire", "new jersey", "new mexico", "new york",
    "north carolina", "north dakota", "ohio", "oklahoma", "oregon", "pennsylvania", "rhode island",
    "south carolina", "south dakota", "tennessee", "texas", "utah", "vermont", "virginia", "washington",
    "west virginia", "wisconsin", "wyoming", "ontario", "quebec", "british columbia", "alberta",
    "manitoba", "saskatchewan", "nova scotia", "new brunswick",
)

ADDRESS_STOPWORDS: frozenset[str] = frozenset(
    """
    a an the of on in at to for from by with and or but my your our their his her its this that these
    those more most other another same some any all each every few many much times time days day hours
    hour minutes minute weeks week months month years year items item pairs pair pieces piece units
    dollars dollar bucks cents kids jackets shirts points orders order way home back out up down over
    off again also just only still then than so very too is was are were be been it i you we they
    """.split()
)
"""Words that cannot be part of a street name (keeps "3 pairs of the other way" out)."""



def _bar_list(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(item.strip() for item in text.replace("\n", " ").split("|") if item.strip()))


# --------------------------------------------------------------------------- addresses in many countries
# Address words by role (see docs/data-pipeline.md): the street-type word tells a street from a
# name, the unit and district markers let an address extend over its parts, and the places below
# are evidence that a chain of capitalised parts is an address (and that a capitalised phrase is
# no person). Lower case; entries are regex-escaped by the recognisers.

STREET_TYPES_BEFORE: tuple[str, ...] = _bar_list("""
calle|c/|cl.|avenida|av.|avda.|avd.|paseo|pº|plaza|pza.|ronda|camino|carretera|ctra.|travesía|travesia|glorieta|
rambla|carrer|passeig|pg.|rúa|rua|r.|travessa|tv.|alameda|estrada|rodovia|praça|praca|largo|via|viale|piazza|
piazzale|corso|vicolo|strada|lungomare|contrada|borgo|rue|avenue|boulevard|bd|bld|blvd|chaussée|chemin|allée|
impasse|quai|cours|route|place|square|ul.|ulica|al.|aleja|pl.|plac|os.|osiedle|nám.|náměstí|namesti|třída|tr.|
nábřeží|jalan|jl.|jln.|jln|lorong|lrg.|persiaran|lebuh|lebuhraya|soi|thanon|thnon|đường|duong|phố|pho|ngõ|ngo|
hẻm|hem|strada|str.|bulevardul|bd.|calea|aleea|şoseaua|soseaua|rruga|odos|odós|leoforos|vul.|vulytsia|ulitsa|
ul|prospekt|pr-t|prosp.|carrera|cra.|cra|kra.|cr.|transversal|diagonal|dg.|jr.|jirón|jiron|pasaje|psje.|
avenue de|rua de|calle de|sheikh|shaikh|sharia|shari|sh.|tariq|derech|rehov|rechov|sderot|
""")
"""Street-type words written before the street name ("Calle Mayor 12", "Jl. Sudirman No. 45", "ul. Długa 5")."""

STREET_TYPES_AFTER: tuple[str, ...] = _bar_list("""
straße|strasse|str.|gasse|allee|platz|weg|ring|damm|ufer|chaussee|steig|pfad|markt|gate|gata|gatan|vei|veien|
vej|vejen|väg|vägen|tie|katu|kuja|polku|út|utca|útja|körút|ulice|cad.|caddesi|cd.|cadde|sok.|sokak|sk.|
sokağı|bulvarı|blv.|bulvar|marg|salai|náměstí|nám.|třída|nábřeží|road|rd.|rd|street|st.|st|avenue|ave.|ave|
boulevard|blvd.|blvd|highway|hwy|lane|drive|way|straat|laan|weg|plein|kade|gracht|singel|dijk|steeg|dreef|
""")
"""Street-type words written after the name, with the house number after them ("Bağdat Cad. No: 214",
"Karl Johans gate 31", "Mariahilfer Straße 45", "Rothschild Blvd 22")."""

STREET_PREPOSITIONS: tuple[str, ...] = _bar_list("""
am|an der|an den|an dem|auf der|auf dem|auf den|im|in der|in den|zum|zur|unter den|hinter der|hinter dem|
vor dem|bei der|am alten|op de|aan de|
""")
"""German/Dutch streets named by a preposition ("Am Rosengarten 7", "Unter den Linden 77")."""

UNIT_MARKERS: tuple[str, ...] = _bar_list("""
apt|apartment|appt|appartement|unit|suite|ste|flat|fl|floor|level|lvl|room|rm|office|ofc|bldg|building|
block|blk|blok|tower|twr|villa|house|house no|h no|h.no|shop|lot|plot|plot no|door no|no|nº|n°|num|nr|piso|
planta|depto|dpto|departamento|apto|apartamento|ap.|bloco|bl|casa|int|interior|ext|oficina|ofic.|puerta|pta|
esc|escalera|bât|bat|bâtiment|batiment|étage|etage|escalier|porte|wohnung|whg|stiege|stg|kv|kvartira|lok|
lokal|mieszkanie|daire|kat|lantai|tingkat|rt|rw|succursale|bte|boîte|scala|interno|dept|penthouse|
tầng|phòng|căn hộ|dira|lgh|lägenhet|leil.|leilighet|sc.|scara|et.|etaj|d.|dom|korp.|korpus|stroenie|
""")
"""Words that introduce a unit, floor or building part followed by its number ("Flat 302", "apto 81",
"m. 15", "D: 8", "app. 402", "succursale A")."""

DISTRICT_MARKERS: tuple[str, ...] = _bar_list("""
col.|colonia|fracc.|fraccionamiento|sector|sec.|section|phase|block|blk|quận|q.|phường|p.|huyện|
xã|district|dist.|brgy.|brgy|barangay|bgy.|kel.|kelurahan|kec.|kecamatan|kab.|kabupaten|desa|mah.|
mahallesi|mh.|bairro|barrio|bº|urb.|urbanización|urbanizacion|zona|zone|ward|arr.|arrondissement|cedex|moo|
tambon|amphoe|khet|khwaeng|tt.|thị trấn|tp.|thành phố|tỉnh|ilçe|ilce|gmina|powiat|okres|obec|comuna|
vereda|corregimiento|parroquia|freguesia|distrito|município|municipio|provincia|prov.|departamento|estado|
""")
"""Words that introduce a district or administrative area ("Col. Centro", "Sector 62", "Quận 1", "Kel. Menteng")."""

DISTRICT_SUFFIXES: tuple[str, ...] = ("ku", "gu", "shi", "si", "cho", "machi", "gun", "dong", "eup", "myeon", "ri",
                                       "ken", "to", "fu", "do", "ga", "chome")
"""Romanised Japanese/Korean district endings after a hyphen ("Shibuya-ku", "Gangnam-gu", "Yeoksam-dong")."""

BUILDING_WORDS: tuple[str, ...] = _bar_list("""
apartments|apartment|apts|heights|tower|towers|residency|residences|residence|court|house|mansion|mansions|manor|
villa|villas|gardens|plaza|centre|center|complex|building|bldg|block|estate|lodge|hall|chambers|arcade|mall|
point|wharf|quay|dock|mills|mill|condominium|condo|condos|enclave|kompleks|wisma|menara|torre|edificio|edif.|
residencial|conjunto|condomínio|condominio|immeuble|résidence|residenz|haus|hof|park|place|square|castle|
terrace|cottage|cottages|farm|barn|studios|lofts|suites|view|gate|hub|campus|business park|city|
""")
"""Words that name a building or complex ("Sai Krupa Apartments", "Sakura Heights 305", "Marina Gate 2")."""

ADDRESS_ENDERS: frozenset[str] = frozenset(
    """
    tel tél telp phone ph mob mobile cell cel celular cellulare móvil movil handy telefon telefone telefono
    teléfono téléfono portable whatsapp wa zap sdt đt dt hp landline fax email e-mail mail call ring text please
    pls plz thanks thank thx cheers merci gracias danke obrigado obrigada grazie regards tks ta until till from
    since before after near opposite next behind attn and or but then also i im i'm we my the is was are if when
    until till not no yes ok okay for to at in on by via with without because so pin order orders ref contact
    number nr num
    """.split()
)
"""Words that end an address ("..., Dubai. mobile 050 ...", "Bengaluru 560038 and call ...")."""

CITIES: frozenset[str] = frozenset(_bar_list("""
new york|los angeles|chicago|houston|phoenix|philadelphia|san antonio|san diego|dallas|san jose|austin|
jacksonville|san francisco|columbus|fort worth|indianapolis|charlotte|seattle|denver|washington|boston|el paso|
nashville|detroit|oklahoma city|portland|las vegas|memphis|louisville|baltimore|milwaukee|albuquerque|tucson|
fresno|sacramento|kansas city|mesa|atlanta|omaha|colorado springs|raleigh|miami|oakland|minneapolis|tulsa|
cleveland|wichita|arlington|new orleans|tampa|honolulu|anaheim|pittsburgh|cincinnati|orlando|st. louis|
buffalo|newark|brooklyn|queens|bronx|manhattan|toronto|montreal|montréal|vancouver|calgary|edmonton|ottawa|
winnipeg|quebec|québec|hamilton|halifax|victoria|gatineau|mississauga|london|birmingham|manchester|glasgow|
edinburgh|liverpool|leeds|sheffield|bristol|cardiff|belfast|leicester|nottingham|newcastle|southampton|
brighton|oxford|cambridge|aberdeen|dundee|york|bath|dublin|cork|galway|limerick|sydney|melbourne|brisbane|perth|
adelaide|canberra|hobart|darwin|gold coast|auckland|wellington|christchurch|hamilton|dunedin|paris|marseille|
lyon|toulouse|nice|nantes|strasbourg|montpellier|bordeaux|lille|rennes|grenoble|berlin|hamburg|munich|münchen|
muenchen|cologne|köln|koeln|frankfurt|stuttgart|düsseldorf|dusseldorf|dortmund|essen|leipzig|bremen|dresden|
hannover|nuremberg|nürnberg|bonn|vienna|wien|graz|salzburg|linz|innsbruck|zurich|zürich|geneva|genève|geneve|
basel|bern|lausanne|luzern|lugano|amsterdam|rotterdam|the hague|den haag|utrecht|eindhoven|groningen|brussels|
bruxelles|brussel|antwerp|antwerpen|anvers|ghent|gent|liège|liege|bruges|brugge|luxembourg|madrid|barcelona|
valencia|sevilla|seville|zaragoza|málaga|malaga|murcia|palma|bilbao|alicante|córdoba|cordoba|valladolid|vigo|
granada|lisbon|lisboa|porto|braga|coimbra|faro|rome|roma|milan|milano|naples|napoli|turin|torino|palermo|
genoa|genova|bologna|florence|firenze|venice|venezia|verona|bari|catania|trieste|padova|warsaw|warszawa|krakow|
kraków|łódź|lodz|wrocław|wroclaw|poznań|poznan|gdańsk|gdansk|szczecin|lublin|katowice|prague|praha|brno|
ostrava|bratislava|budapest|debrecen|bucharest|bucurești|bucuresti|cluj-napoca|timișoara|sofia|plovdiv|varna|
athens|athina|thessaloniki|belgrade|beograd|zagreb|split|ljubljana|sarajevo|skopje|tirana|podgorica|chisinau|
kyiv|kiev|kharkiv|odesa|odessa|lviv|dnipro|minsk|moscow|moskva|saint petersburg|st petersburg|sankt-peterburg|
novosibirsk|yekaterinburg|kazan|vilnius|kaunas|riga|tallinn|helsinki|espoo|tampere|turku|stockholm|göteborg|
goteborg|gothenburg|malmö|malmo|uppsala|oslo|bergen|trondheim|stavanger|copenhagen|københavn|kobenhavn|aarhus|
odense|aalborg|reykjavík|reykjavik|istanbul|i̇stanbul|ankara|izmir|i̇zmir|bursa|antalya|adana|kadıköy|kadikoy|
beşiktaş|besiktas|üsküdar|tbilisi|yerevan|baku|almaty|astana|tashkent|bishkek|dubai|abu dhabi|sharjah|ajman|
doha|riyadh|jeddah|mecca|medina|dammam|kuwait city|manama|muscat|amman|beirut|damascus|baghdad|erbil|tehran|
tel aviv|jerusalem|haifa|cairo|alexandria|giza|casablanca|rabat|marrakech|marrakesh|fes|fez|tangier|tunis|
algiers|tripoli|khartoum|lagos|abuja|ibadan|kano|port harcourt|accra|kumasi|dakar|abidjan|nairobi|mombasa|
kisumu|kampala|dar es salaam|dodoma|kigali|addis ababa|lusaka|harare|bulawayo|maputo|gaborone|windhoek|
johannesburg|cape town|durban|pretoria|port elizabeth|gqeberha|bloemfontein|soweto|luanda|kinshasa|yaoundé|
douala|antananarivo|mumbai|bombay|delhi|new delhi|bengaluru|bangalore|hyderabad|ahmedabad|chennai|madras|
kolkata|calcutta|pune|jaipur|surat|lucknow|kanpur|nagpur|indore|bhopal|patna|vadodara|ludhiana|agra|nashik|
noida|gurgaon|gurugram|ghaziabad|faridabad|chandigarh|kochi|cochin|thiruvananthapuram|coimbatore|mysuru|
mysore|visakhapatnam|goa|panaji|karachi|lahore|islamabad|rawalpindi|faisalabad|peshawar|multan|dhaka|
chittagong|chattogram|sylhet|colombo|kandy|kathmandu|thimphu|male|kabul|beijing|shanghai|guangzhou|shenzhen|
chengdu|chongqing|tianjin|wuhan|xi'an|xian|hangzhou|nanjing|suzhou|qingdao|dalian|xiamen|shenyang|harbin|
kunming|hong kong|kowloon|macau|macao|taipei|kaohsiung|taichung|tainan|tokyo|osaka|kyoto|yokohama|nagoya|
sapporo|kobe|fukuoka|kawasaki|sendai|hiroshima|chiba|saitama|nara|okinawa|naha|seoul|busan|incheon|daegu|
daejeon|gwangju|ulsan|suwon|jeju|pyongyang|ulaanbaatar|bangkok|chiang mai|phuket|pattaya|hanoi|hà nội|ha noi|
ho chi minh city|hồ chí minh|ho chi minh|saigon|sài gòn|da nang|đà nẵng|hai phong|hải phòng|can tho|hue|huế|
phnom penh|siem reap|vientiane|yangon|mandalay|kuala lumpur|petaling jaya|shah alam|george town|penang|
johor bahru|ipoh|kota kinabalu|kuching|malacca|melaka|singapore|jakarta|surabaya|bandung|medan|semarang|
makassar|yogyakarta|denpasar|bali|bekasi|tangerang|depok|bogor|palembang|manila|quezon city|makati|taguig|pasig|
cebu|cebu city|davao|mandaluyong|pasay|parañaque|paranaque|caloocan|bandar seri begawan|dili|port moresby|
suva|apia|nuku'alofa|mexico city|ciudad de méxico|ciudad de mexico|cdmx|guadalajara|monterrey|puebla|tijuana|
león|leon|juárez|cancún|cancun|mérida|merida|querétaro|queretaro|oaxaca|toluca|guatemala city|san salvador|
tegucigalpa|managua|san josé|panama city|ciudad de panamá|havana|la habana|santo domingo|san juan|kingston|
port-au-prince|port of spain|bridgetown|nassau|bogotá|bogota|medellín|medellin|cali|barranquilla|cartagena|
bucaramanga|caracas|maracaibo|quito|guayaquil|cuenca|lima|arequipa|cusco|trujillo|la paz|santa cruz|sucre|
santiago|valparaíso|valparaiso|concepción|buenos aires|córdoba|rosario|mendoza|la plata|mar del plata|
montevideo|asunción|asuncion|são paulo|sao paulo|rio de janeiro|brasília|brasilia|salvador|fortaleza|
belo horizonte|manaus|curitiba|recife|porto alegre|belém|belem|goiânia|goiania|campinas|florianópolis|
florianopolis|niterói|niteroi|copacabana|ipanema|
"""))
"""Large cities and well-known districts of many countries, folded with :func:`fold`-compatible spellings
(lower case, with and without accents): evidence that a chain of capitalised parts is an address."""

REGIONS: frozenset[str] = frozenset(_bar_list("""
uttar pradesh|maharashtra|karnataka|tamil nadu|kerala|delhi|west bengal|gujarat|rajasthan|telangana|
andhra pradesh|punjab|haryana|bihar|madhya pradesh|odisha|assam|jharkhand|uttarakhand|himachal pradesh|
jalisco|nuevo león|nuevo leon|puebla|yucatán|yucatan|quintana roo|estado de méxico|edomex|baja california|
chihuahua|sonora|veracruz|guanajuato|michoacán|chiapas|guerrero|são paulo|minas gerais|rio grande do sul|
paraná|parana|santa catarina|bahia|pernambuco|ceará|goiás|distrito federal|selangor|johor|penang|pulau pinang|
sabah|sarawak|perak|kedah|pahang|negeri sembilan|wilayah persekutuan|dki jakarta|jawa barat|jawa tengah|
jawa timur|banten|metro manila|ncr|bavaria|bayern|baden-württemberg|nordrhein-westfalen|hessen|sachsen|
île-de-france|ile-de-france|provence|catalunya|cataluña|catalonia|andalucía|andalucia|comunidad de madrid|
lombardia|lazio|toscana|sicilia|veneto|piemonte|campania|ontario|quebec|québec|british columbia|alberta|
manitoba|saskatchewan|nova scotia|new brunswick|newfoundland|new south wales|victoria|queensland|tasmania|
western australia|south australia|northern territory|gauteng|western cape|kwazulu-natal|england|scotland|
wales|northern ireland|co. cork|co. dublin|co. galway|county cork|county dublin|tokyo-to|osaka-fu|kanagawa|
hokkaido|aichi|hyogo|fukuoka|gyeonggi-do|gyeonggi|lagos state|greater accra|nairobi county|
"""))
"""States, provinces and regions that end addresses in many countries."""

COUNTRIES: frozenset[str] = frozenset(_bar_list("""
usa|us|u.s.a.|united states|canada|uk|u.k.|united kingdom|great britain|england|scotland|wales|ireland|éire|
australia|new zealand|aotearoa|france|germany|deutschland|austria|österreich|switzerland|schweiz|suisse|
svizzera|netherlands|nederland|the netherlands|holland|belgium|belgië|belgique|luxembourg|spain|españa|espana|
portugal|italy|italia|poland|polska|czechia|czech republic|česko|slovakia|slovensko|hungary|magyarország|
romania|românia|bulgaria|greece|ελλάδα|croatia|hrvatska|serbia|srbija|slovenia|slovenija|bosnia|albania|
ukraine|україна|russia|россия|belarus|lithuania|lietuva|latvia|latvija|estonia|eesti|finland|suomi|sweden|
sverige|norway|norge|denmark|danmark|iceland|ísland|turkey|türkiye|turkiye|georgia|armenia|azerbaijan|
kazakhstan|uzbekistan|uae|u.a.e.|united arab emirates|qatar|saudi arabia|ksa|kuwait|bahrain|oman|jordan|
lebanon|israel|egypt|morocco|maroc|tunisia|algeria|nigeria|ghana|senegal|ivory coast|côte d'ivoire|kenya|
uganda|tanzania|rwanda|ethiopia|zambia|zimbabwe|mozambique|botswana|namibia|south africa|india|bharat|
pakistan|bangladesh|sri lanka|nepal|china|中国|prc|hong kong|taiwan|japan|日本|korea|south korea|
republic of korea|한국|mongolia|thailand|vietnam|viet nam|việt nam|cambodia|laos|myanmar|malaysia|singapore|
indonesia|philippines|pilipinas|brunei|mexico|méxico|guatemala|honduras|el salvador|nicaragua|costa rica|
panama|panamá|cuba|dominican republic|puerto rico|jamaica|trinidad and tobago|colombia|venezuela|ecuador|peru|
perú|bolivia|chile|argentina|uruguay|paraguay|brazil|brasil|fiji|samoa|tonga|
"""))
"""Country names (English and native) that may end an address."""

# --------------------------------------------------------------------------- name cues in many languages

PHONE_CUES: tuple[str, ...] = _bar_list("""
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

GREETINGS: tuple[str, ...] = _bar_list("""
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

THANKS: tuple[str, ...] = _bar_list("""
thanks|thank you|thankyou|ty|thx|tnx|cheers|ta|merci|merci beaucoup|gracias|muchas gracias|mil gracias|
obrigado|obrigada|muito obrigado|muito obrigada|grazie|grazie mille|danke|danke schön|danke schon|vielen dank|
dank je|dank je wel|dank u|dank u wel|bedankt|dziękuję|dziekuje|dzięki|dzieki|děkuji|dekuji|díky|diky|
teşekkürler|tesekkurler|teşekkür ederim|sağol|sagol|terima kasih|makasih|trims|salamat|maraming salamat|
cảm ơn|cam on|cám ơn|arigato|arigatou|arigatō|kamsahamnida|gamsahamnida|gomawo|xie xie|xièxie|shukran|
spasibo|efcharisto|ευχαριστώ|köszönöm|koszonom|mulțumesc|multumesc|tack|tack så mycket|takk|tusen takk|tak|
mange tak|kiitos|dhanyavaad|dhanyavad|shukriya|asante|ngiyabonga|dankie|mahalo|hvala|toda|
""")
"""Thanks in many languages; a capitalised name right after them is the person thanked ("dzięki, Tomek")."""

SIGN_OFFS: tuple[str, ...] = _bar_list("""
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

NAME_PARTICLES: frozenset[str] = frozenset(
    """van der den de del della di da dos das do du le la von zu vom bin binti bint ibn al el ter ten te
    mac mc ap ould abu dela delos""".split()
)
"""Lower-case surname particles inside a name ("Pieter van der Merwe", "Sanne de Vries", "Ahmad bin Ali")."""

HONORIFICS: tuple[str, ...] = _bar_list("""
khun|ma'am|maam|madam|madame|sir|señor|señora|senor|senora|srta.|doña|signor|signora|sig.|sig.ra|monsieur|
bapak|pak|ibu|encik|puan|tuan|datuk|dato'|haji|hajjah|sheikh|shaikh|shri|smt.|ustaz|ustazah|kak|mbak|sayın|
sayin|citofono|campanello|interfono|buzzer|klingel|
""")
"""Honorifics and doorbell labels of other languages before a name ("Khun Somchai", "ma'am Maria", "Pak Budi",
"citofono Esposito"); a capitalised known name after one is a name."""

ARABIC_GIVEN_NAMES: frozenset[str] = frozenset(
    """محمد أحمد احمد علي حسن حسين عمر خالد عبدالله عبد يوسف إبراهيم ابراهيم مصطفى محمود سعيد سالم فيصل طارق
    ياسر وليد سامي كريم ماجد فهد سلطان ناصر عادل هشام أمين رامي زياد بلال حمزة عثمان أنس انس جمال منصور نبيل
    فاطمة مريم عائشة خديجة زينب نور سارة ليلى هدى منى سلمى رنا دينا ريم لينا هند أمل نادية ياسمين آمنة رحاب""".split()
)
"""Common Arabic given names in Arabic script: after "أنا" ("I am") a name must start with one of them."""
CJK_NOT_NAMES: frozenset[str] = frozenset(
    """谢谢 謝謝 周末 高兴 高興 方便 马上 馬上 黄色 黃色 白色 金色 石头 江湖 林林 程序 周一 周二 周三 周四 周五 周六
    周日 曾经 曾經 任何 段落 于是 於是 万一 萬一 向前 毛衣 田舎 森林 原因 高い 安い 金曜 石鹸 方法 孔子 龙虾 韩国 韓國""".split()
)
"""Words that start with a common Chinese or Japanese surname character but are no names ("谢谢", "周末")."""
CJK_FUNCTION_CHARS: frozenset[str] = frozenset(
    "的了吗嗎呢吧啊呀你您我他她它们們是在有不没沒很好到会會要就也都和说說去来來请請谢謝吃看买買送寄发發过過着著"
    "么麼什这這那哪个個再还還给給让讓把被对對等能可以想知道呢曜日月年時时分秒元円様さ"
)
"""Characters of grammar and everyday verbs that do not occur in names: "，谢谢你" or "，方便吗" is no name."""

CJK_SURNAMES: frozenset[str] = frozenset(
    """佐藤 鈴木 高橋 田中 伊藤 渡辺 渡邊 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 井上 木村 林 斎藤 斉藤
    清水 山崎 森 池田 橋本 阿部 石川 山下 中島 石井 小川 前田 岡田 長谷川 藤田 後藤 近藤 村上 遠藤 青木 坂本
    福田 太田 西村 藤井 金子 岡本 藤原 中野 三浦 原田 中川 松田 竹内 小野 田村 中山 和田 石田 森田 上田 原
    柴田 酒井 工藤 横山 宮崎 宮本 内田 高木 安藤 島田 谷口 大野 高田 丸山 今井 河野 藤本 村田 武田 上野
    杉山 増田 小山 大塚 平野 菅原 久保 松井 千葉 岩崎 桜井 木下 野口 松尾 野村 新井 王 李 张 張 刘 劉 陈
    陳 杨 楊 黄 黃 赵 趙 吴 吳 周 徐 孙 孫 马 馬 朱 胡 郭 何 高 罗 羅 郑 鄭 梁 谢 謝 宋 唐 许 許 韩 韓 冯 馮
    邓 鄧 曹 彭 曾 肖 田 董 袁 潘 于 蒋 蔣 蔡 余 杜 叶 葉 程 苏 蘇 魏 吕 呂 丁 任 沈 姚 卢 盧 姜 崔 钟 鍾 谭 譚
    陆 陸 汪 范 金 石 廖 贾 賈 夏 韦 付 方 白 邹 鄒 孟 熊 秦 邱 江 尹 薛 段 雷 侯 龙 龍 史 陶 黎 贺 賀 顾 顧
    毛 郝 龚 邵 万 钱 錢 严 嚴 武 戴 莫 孔 向 汤 湯""".split()
)
"""Common Japanese and Chinese surnames in native script, for names before "です"/"さん" or after "我叫"."""

HANGUL_SURNAMES: frozenset[str] = frozenset(
    "김 이 박 최 정 강 조 윤 장 임 한 오 서 신 권 황 안 송 전 홍 유 고 문 양 손 배 백 허 남 심 노 하 곽 성 차 우 구 민 류 나 진".split()
)
"""Common Korean surnames (one syllable), for names after "저는"/"제 이름은"."""


# --------------------------------------------------------------------------- international names

NAMES_FILE = Path(__file__).with_name("pii_names.tsv.gz")
"""The reduced international name list (see :func:`build_names_file`)."""

_FOLD_TABLE = str.maketrans({"đ": "d", "Đ": "D", "ı": "i", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O",
                             "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ð": "d", "þ": "th",
                             "’": "'", "`": "'"})


def fold(token: str) -> str:
    """Lower case without accents, the key of the name lists ("Trần" -> "tran", "Yılmaz" -> "yilmaz")."""
    decomposed = unicodedata.normalize("NFKD", token.translate(_FOLD_TABLE))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


@dataclass(frozen=True)
class NameLexicon:
    """Given names and surnames from many countries, keyed by :func:`fold`.

    Attributes:
        given: folded given names.
        surnames: folded surnames.
        english: names ranked in the top 500 of the US, UK, Canada, Australia, Ireland or New
            Zealand ("oliver", "bennett"): common there as names, whatever their word frequency.
        word_zipf: how common each name is as an English word, on the Zipf scale (log10 of
            occurrences per billion words; "the" 7.7, "hope" 5.4, "zeynep" 2.2); missing: < 1.
    """

    given: frozenset
    surnames: frozenset
    english: frozenset
    word_zipf: Dict[str, float]

    def is_name(self, folded: str) -> bool:
        return folded in self.given or folded in self.surnames

    def zipf(self, folded: str) -> float:
        return self.word_zipf.get(folded, 0.0)


@lru_cache(maxsize=1)
def international_names(path: Optional[Path] = None) -> NameLexicon:
    """Load ``pii_names.tsv.gz`` once.

    Lines: folded name; ``g`` (given), ``s`` (surname), ``e`` (common name in English-speaking
    countries), combined; its English-word Zipf frequency x 10 (0 when below 1).

    Raises:
        FileNotFoundError: the shipped file is missing (rebuild it with :func:`build_names_file`).
    """
    given, surnames, english, zipf = set(), set(), set(), {}
    with gzip.open(path or NAMES_FILE, "rt", encoding="utf-8") as handle:
        for line in handle:
            name, kinds, word = line.rstrip("\n").split("\t")
            if "g" in kinds:
                given.add(name)
            if "s" in kinds:
                surnames.add(name)
            if "e" in kinds:
                english.add(name)
            if word != "0":
                zipf[name] = int(word) / 10
    return NameLexicon(frozenset(given), frozenset(surnames), frozenset(english), zipf)


_LATIN_NAME_RE = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")


ENGLISH_SPEAKING = ("US", "GB", "CA", "AU", "IE", "NZ")


def reduce_names(first: Dict[str, dict], last: Dict[str, dict], max_rank: int, english_rank: int = 500) -> Dict[str, str]:
    """Folded name -> kinds (``g``, ``s``, ``e``) for single-word Latin-script names ranked <= max_rank in some country.

    ``first``/``last``: names-dataset's dictionaries (name -> {"rank": {country: rank}, ...});
    ``e`` marks names ranked <= english_rank in one of :data:`ENGLISH_SPEAKING`.
    """
    kinds: Dict[str, str] = {}
    for data, kind in ((first, "g"), (last, "s")):
        for name, info in data.items():
            ranks = info.get("rank") or {}
            if not ranks or min(ranks.values()) > max_rank or not _LATIN_NAME_RE.fullmatch(name):
                continue
            folded = fold(name)
            if len(folded) < 2 or not folded.isascii() or not re.fullmatch(r"[a-z'-]+", folded):
                continue  # not a Latin-script name (folding leaves other scripts as they are)
            new = kind + ("e" if min((ranks.get(c, max_rank + 1) for c in ENGLISH_SPEAKING)) <= english_rank else "")
            kinds[folded] = "".join(sorted(set(kinds.get(folded, "") + new)))
    return kinds


def write_names_file(kinds: Dict[str, str], zipf_of: Callable[[str], float], out: Path = NAMES_FILE) -> int:
    """Write the sorted TSV (gzip without a timestamp, so a rebuild gives the same bytes); returns lines."""
    lines = []
    for name in sorted(kinds):
        word = max(0, round(zipf_of(name) * 10))
        lines.append(f"{name}\t{kinds[name]}\t{word if word >= 10 else 0}\n")
    with open(out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as handle:
        handle.write("".join(lines).encode("utf-8"))
    return len(lines)


def build_names_file(out: Path = NAMES_FILE, max_rank: int = 1000) -> int:
    """Rebuild ``pii_names.tsv.gz`` from ``names-dataset`` and ``wordfreq`` (build time only).

    Needs about 3.5 GB of memory and a scratch environment with the two packages, for example::

        python3.11 -m venv /tmp/lexbuild
        /tmp/lexbuild/bin/pip install names-dataset==3.3.1 wordfreq==3.1.1
        PYTHONPATH=. /tmp/lexbuild/bin/python -m bot.data.pii_lexicon

    Returns the number of names written.
    """
    from names_dataset import NameDataset  # build-time only: 55 MB wheel, 3.2 GB loaded
    from wordfreq import zipf_frequency

    dataset = NameDataset()
    kinds = reduce_names(dataset.first_names, dataset.last_names, max_rank)
    return write_names_file(kinds, lambda name: zipf_frequency(name, "en"), out)


if __name__ == "__main__":
    print(f"wrote {build_names_file()} names to {NAMES_FILE}")
