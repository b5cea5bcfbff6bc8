"""Hand-written name lists: given names and surnames, ambiguous names, brands, particles, honorifics, native scripts.

Common US/Canadian given names and surnames across origins are trusted enough to find a name
without any cue; the international list (:mod:`bot.privacy.lexicon.international`) covers the rest.
"""

from __future__ import annotations

from bot.privacy.lexicon.words import bar_list


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


NAME_PARTICLES: frozenset[str] = frozenset(
    """van der den de del della di da dos das do du le la von zu vom bin binti bint ibn al el ter ten te
    mac mc ap ould abu dela delos""".split()
)
"""Lower-case surname particles inside a name ("Pieter van der Merwe", "Sanne de Vries", "Ahmad bin Ali")."""

HONORIFICS: tuple[str, ...] = bar_list("""
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
