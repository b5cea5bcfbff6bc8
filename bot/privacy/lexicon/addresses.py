"""Address words by role: street types, states, unit and district markers, buildings, cities, regions, countries.

The street-type word tells a street from a name, the unit and district markers let an address
extend over its parts, and the places are evidence that a chain of capitalised parts is an address
(and that a capitalised phrase is no person). Lower case; entries are regex-escaped by the
recognisers.
"""

from __future__ import annotations

from bot.privacy.lexicon.words import bar_list


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


# --------------------------------------------------------------------------- addresses in many countries
# Address words by role (see docs/data-pipeline.md): the street-type word tells a street from a
# name, the unit and district markers let an address extend over its parts, and the places below
# are evidence that a chain of capitalised parts is an address (and that a capitalised phrase is
# no person). Lower case; entries are regex-escaped by the recognisers.

STREET_TYPES_BEFORE: tuple[str, ...] = bar_list("""
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

STREET_TYPES_AFTER: tuple[str, ...] = bar_list("""
straße|strasse|str.|gasse|allee|platz|weg|ring|damm|ufer|chaussee|steig|pfad|markt|gate|gata|gatan|vei|veien|
vej|vejen|väg|vägen|tie|katu|kuja|polku|út|utca|útja|körút|ulice|cad.|caddesi|cd.|cadde|sok.|sokak|sk.|
sokağı|bulvarı|blv.|bulvar|marg|salai|náměstí|nám.|třída|nábřeží|road|rd.|rd|street|st.|st|avenue|ave.|ave|
boulevard|blvd.|blvd|highway|hwy|lane|drive|way|straat|laan|weg|plein|kade|gracht|singel|dijk|steeg|dreef|
""")
"""Street-type words written after the name, with the house number after them ("Bağdat Cad. No: 214",
"Karl Johans gate 31", "Mariahilfer Straße 45", "Rothschild Blvd 22")."""

STREET_PREPOSITIONS: tuple[str, ...] = bar_list("""
am|an der|an den|an dem|auf der|auf dem|auf den|im|in der|in den|zum|zur|unter den|hinter der|hinter dem|
vor dem|bei der|am alten|op de|aan de|
""")
"""German/Dutch streets named by a preposition ("Am Rosengarten 7", "Unter den Linden 77")."""

UNIT_MARKERS: tuple[str, ...] = bar_list("""
apt|apartment|appt|appartement|unit|suite|ste|flat|fl|floor|level|lvl|room|rm|office|ofc|bldg|building|
block|blk|blok|tower|twr|villa|house|house no|h no|h.no|shop|lot|plot|plot no|door no|no|nº|n°|num|nr|piso|
planta|depto|dpto|departamento|apto|apartamento|ap.|bloco|bl|casa|int|interior|ext|oficina|ofic.|puerta|pta|
esc|escalera|bât|bat|bâtiment|batiment|étage|etage|escalier|porte|wohnung|whg|stiege|stg|kv|kvartira|lok|
lokal|mieszkanie|daire|kat|lantai|tingkat|rt|rw|succursale|bte|boîte|scala|interno|dept|penthouse|
tầng|phòng|căn hộ|dira|lgh|lägenhet|leil.|leilighet|sc.|scara|et.|etaj|d.|dom|korp.|korpus|stroenie|
""")
"""Words that introduce a unit, floor or building part followed by its number ("Flat 302", "apto 81",
"m. 15", "D: 8", "app. 402", "succursale A")."""

DISTRICT_MARKERS: tuple[str, ...] = bar_list("""
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

BUILDING_WORDS: tuple[str, ...] = bar_list("""
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

CITIES: frozenset[str] = frozenset(bar_list("""
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

REGIONS: frozenset[str] = frozenset(bar_list("""
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

COUNTRIES: frozenset[str] = frozenset(bar_list("""
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
