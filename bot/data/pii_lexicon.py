"""Word lists for the person-name and address recognisers of :mod:`bot.data.redact`.

Written for this project (common US/Canadian given names and surnames across origins,
brand names a clothing retailer's customers mention, common English words that are also
names). Plain data: importable in any environment.
"""

from __future__ import annotations

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
    apple pay|canada post|pip|jordan|nike|adidas|gap|zara|uniqlo|coach|fossil|timberland
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
    wrong broken damaged missing lost late early is was
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
