"""Word lists and patterns of the line rules (see :mod:`.rules`).

Each list names the public convention it encodes (date formats, credit and
copyright lines, cookie notices, calls to action, "read also" links); none holds a
phrase taken from one sample page.
"""

from __future__ import annotations

import re

from .keys import normalize_key

# --- sentence shape ------------------------------------------------------------
# Characters of scripts written without spaces between words (Han, kana, Thai, Lao,
# Khmer, Myanmar): two of them count as one word.
UNSPACED_RE = re.compile(
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]"
)
TRAIL_CLOSERS = "\"'\u00bb\u00ab\u201d\u2019\u201c\u2018\u203a)]}\u300d\u300f\u3011\uff09* \t\r"
SENTENCE_END = frozenset(".!?\u2026\u3002\uff01\uff1f\u061f\u0964\u06d4\uff0e~\uff5e")
CLAUSE_END = frozenset(":;,\uff1a\uff1b\uff0c\u3001")
# a sentence boundary inside a line: a word of 3+ letters, terminal punctuation, space,
# a capital letter or digit (or an ideographic full stop)
INNER_END_RE = re.compile(r"[^\W\d_]{3}[.!?\u2026]['\"\u201d\u2019)]?\s+[\"'\u201c\u2018(]?[^\W_a-z\u00df-\u00ff]|[\u3002\uff01\uff1f](?!$)")
# what a social post ends with after its last sentence: links, hashtags, mentions, emoji
TRAIL_JUNK_RE = re.compile(
    r"(?:\s+(?:https?://\S+|pic\.twitter\.com/\S+|www\.\S+|[#@]\w+)|\s*[\U0001F000-\U0001FAFF\u2600-\u27BF\ufe0f\u200d]+)+$"
)
INNER_ENDS = 1  # a long line with this many inner sentence boundaries is running text
NUMBER_LINE_RE = re.compile(r"[\W\d_]*\d[\W\d_]*(?:[kKmMbB]|mln|tys)?[\W\d_]*")

# --- dates ------------------------------------------------------------
DATE_WORDS = frozenset(normalize_key(w) for w in """
january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec
monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thurs fri sat sun
am pm a m p m et est edt pt pst pdt ct cst cdt gmt utc bst cet cest msk ist jst
updated published posted modified last on at by and of the ago hour hours minute minutes min
mins second seconds day days week weeks month months year years yesterday today now just
st nd rd th
januar februar märz april mai juni juli august september oktober november dezember
jänner mrz okt dez
montag dienstag mittwoch donnerstag freitag samstag sonntag
aktualisiert veröffentlicht am um uhr vor stunden stunde minuten tagen gestern heute stand
janvier février mars avril mai juin juillet août septembre octobre novembre décembre
janv févr avr juil déc
lundi mardi mercredi jeudi vendredi samedi dimanche
publié mis à jour le il y a h heures heure hier aujourd hui
enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre diciembre
ene abr ago dic
lunes martes miércoles jueves viernes sábado domingo
actualizado publicado el de del a las hace horas hora ayer hoy
gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre
lunedì martedì mercoledì giovedì venerdì sabato domenica aggiornato pubblicato ore fa ieri oggi
janeiro fevereiro março maio junho julho setembro outubro dezembro
segunda terça quarta quinta sexta feira atualizado publicado em às há
januari februari maart mei augustus oktober
stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października listopada grudnia
styczeń luty marzec kwiecień maj czerwiec lipiec sierpień wrzesień październik listopad grudzień
poniedziałek wtorek środa czwartek piątek sobota niedziela aktualizacja opublikowano godz temu
ocak şubat mart nisan mayıs haziran temmuz ağustos eylül ekim kasım aralık
января февраля марта апреля мая июня июля августа сентября октября ноября декабря
январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь
янв фев мар апр июн июл авг сен сент окт ноя дек
понедельник вторник среда четверг пятница суббота воскресенье
обновлено опубликовано в г года назад час часа часов минут минуты вчера сегодня мск
січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня
оновлено опубліковано тому вчора сьогодні
""".split())
DATE_MARKERS = DATE_WORDS - frozenset(normalize_key(w) for w in """
on at by and of the le il y a el de del a las em às h g в st nd rd th am um min""".split())
# Units of time mark a date only with a quantity ("2 hours ago", "hace 3 horas") or a
# word that counts back ("seconds ago"); alone ("Second.", "Hours") they are words.
DATE_UNITS = frozenset(normalize_key(w) for w in """
hour hours minute minutes mins second seconds day days week weeks month months year years
stunden stunde minuten tagen heures heure horas hora ore час часа часов минут минуты""".split())
DATE_AGO = frozenset(normalize_key(w) for w in "ago vor hace fa há temu назад тому".split())

# "- Sputnik International, 1920, 06.09.2022" ending a line (a caption or the line itself)
DATELINE_SUFFIX_RE = re.compile(
    r"(?:^|\s)[-\u2013\u2014|]\s*[^\W\d_][^,\n]{0,48}?(?:,\s*\d[\d./:\- ]*){1,3}$"
)
DATELINE_PLACE_RE = re.compile(r"^\W*[^\W\d_][^,\n]{0,40},\s*(?P<rest>.+)$")

CREDIT_WORDS = (
    r"photo(?:graph)?s?|image|picture|pic|credits?|source|foto(?:s|grafie|grafia)?|bild(?:quelle)?|"
    r"quelle|illustration|fuente|fonte|crédits?|crédito|imagen|zdjęcie|fot|źródło|фото|"
    r"фотография|источник|джерело|图片|图|摄影|来源|写真|사진|출처|صورة|المصدر"
)
CREDIT_START_RE = re.compile(
    r"\W{0,3}(?:(?:©|\(c\))\s*|(?:" + CREDIT_WORDS + r")(?:\s*(?:by|von|par|por|di)\b)?"
    r"\s*[:/|\u2026]+\s*|(?:" + CREDIT_WORDS + r")\s*\.\.\.\s*"
    r"|(?:photo|foto|image|bild)s?\s+(?:by|von|par|por|di)\s+)",
    re.I,
)
CREDIT_FIRST = frozenset(normalize_key(w) for w in re.sub(r"[()?:|]|\\b", " ", CREDIT_WORDS)
                          .replace("s ", " ").split() if w)
CREDIT_FIRST |= {"photos", "photographs", "credits", "fotos", "fotografie", "fotografia",
                  "crédits", "bildquelle", "photograph", "c"}
CREDIT_END_RE = re.compile(
    r"(?:\b(?:credit|photo|image|foto|bild|фото)s?\s*(?:\.\.\.|\u2026|:)\s*[^.!?\u3002]{2,80}"
    r"|\(\s*(?:" + CREDIT_WORDS + r")\b[^()]{1,80}\)"
    r"|\s(?:©|\(c\))\s*[^.!?\u3002]{2,60})$",
    re.I,
)
AGENCY_RE = re.compile(
    r"\b(?:getty images|afp|reuters|ap photo|associated press|shutterstock|dpa|epa|istock|"
    r"imago|picture alliance|xinhua|тасс|риа новости|sputnik|фотобанк)\b",
    re.I,
)
RIGHTS = tuple(normalize_key(p) for p in (
    "all rights reserved", "alle rechte vorbehalten", "tous droits réservés",
    "todos los derechos reservados", "tutti i diritti riservati", "todos os direitos reservados",
    "wszelkie prawa zastrzeżone", "все права защищены", "всі права захищені",
    "tüm hakları saklıdır", "alle rechten voorbehouden", "版权所有", "版權所有", "著作権",
    "جميع الحقوق محفوظة", "registered trademark", "eingetragene warenzeichen",
    "marques déposées", "marcas registradas",
))
AGENCY_TOKENS = frozenset(
    "getty afp reuters ap associated shutterstock dpa epa istock imago picture xinhua тасс риа "
    "sputnik фотобанк".split())
RIGHTS_TOKENS = frozenset(normalize_key(
    "reserved réservés reservados riservati vorbehalten zastrzeżone защищены захищені saklıdır "
    "защищены захищені "
    "voorbehouden trademark trademarks warenzeichen déposées registradas").split())
RIGHTS_UNSPACED = ("版权", "版權", "著作権", "الحقوق", "저작권")
#: The notices those words make in full ("all rights reserved"): a notice wherever it is.
RIGHTS_UNSPACED_NOTICES = tuple(p for p in RIGHTS if any(h in p and h != p for h in RIGHTS_UNSPACED))
RIGHTS_RE = re.compile("|".join(re.escape(p) for p in RIGHTS))
COMPANY_RE = re.compile(r"\u00a9\s*(?:\d{4}|copyright|[^.,]{1,60}\b(?:inc|ltd|llc|gmbh|ag|plc|corp|"
                         r"corporation|company|group|s\.a|s\.l|sp\. z o\.o|oy|ab)\b)", re.I)
COOKIE_HINTS = ("cookie", "çerez", "クッキー", "쿠키")
COOKIE_RE = re.compile(
    r"\b(?:we|this (?:web)?site|our (?:web)?site|the site) (?:use|uses|is using) cookies"
    r"|\bcookies? (?:policy|settings|preferences|consent|notice)\b|\baccept (?:all )?cookies"
    r"|\bby (?:continuing|using|clicking)\b.{0,60}\b(?:agree|accept|consent|cookies?)"
    r"|\buse of cookies|(?:verwendet|verwenden|nutzt|nutzen|setzt|setzen) (?:\w+ )?cookies"
    r"|cookie-(?:richtlinie|einstellungen|hinweis)|utilise (?:des )?cookies|utilisons (?:des )?cookies"
    r"|(?:utiliza|utilizamos|usa|usamos|utilizza|utilizziamo|usiamo) (?:\w+ )?cookies?"
    r"|(?:używa|wykorzystuje|korzysta|korzystamy) (?:z )?(?:plików )?cookie|pliki cookie|plików cookie"
    r"|(?:использует|используем|используют) (?:файлы )?cookie|файлы cookie|файлов cookie"
    r"|çerez(?:ler)?(?:i)? kullan|使用cookie|使用 cookie|クッキー|쿠키",
    re.I,
)
# a line that asks the reader to do something for the site (sign up, follow, subscribe)
CTA_START_RE = re.compile(
    r"\W{0,3}(?:sign(?:ing)? up|signup|subscribe|follow us|follow me|join us|join our|"
    r"download (?:the|our)|get (?:the|our) (?:free )?(?:app|newsletter)|register (?:now|for|to)|"
    r"like us|stay (?:up to date|up-to-date|informed|connected|tuned)|never miss|don'?t miss out|"
    r"click here|tap here|support (?:us|our)|become a (?:member|subscriber|patron)|"
    r"already a (?:member|subscriber)|(?:please )?log ?in (?:to|here)|to (?:view|read|continue|access) "
    r"(?:the|this) (?:full|whole|entire|rest)|newsletter|abonnez|inscrivez|suivez[- ]nous|"
    r"abonnieren|abonniere|folgen sie uns|folge uns|melden sie sich|jetzt (?:abonnieren|anmelden|"
    r"registrieren)|suscr[ií]b|reg[ií]str[ae]te|s[ií]guenos|iscriviti|seguici|assine|inscreva|"
    r"siga-nos|zapisz si[eę]|subskrybuj|obserwuj nas|подпишитесь|подписывайтесь|следите за|"
    r"присоединяйтесь|підписуйтесь|bize katıl|abone ol|you are commenting using)",
    re.I,
)
CTA_ANY_RE = re.compile(
    r"(?:sign(?:ing)? up|subscrib\w*|register\w*) (?:to|for) (?:our|the) (?:\w+ ){0,2}newsletter"
    r"|(?:straight |directly )?(?:to|in|into) your inbox|\byou (?:agree|accept|consent|acknowledge|"
    r"have read and agree)\b.{0,80}\b(?:terms|privacy|policy|cookies?|conditions)",
    re.I,
)
# what the line's key holds when CTA_ANY_RE can match, besides "newsletter" and "nbox"
# ("inbox" but for the dotted and dotless i that the pattern's IGNORECASE also takes)
CTA_ANY_WORDS = ("you agree", "you accept", "you consent", "you acknowledge",
                  "you have read and agree")
CTA_FIRST = frozenset(
    "sign signi signu subsc follo join downl get regis like stay never don click tap suppo "
    "becom alrea pleas log login to newsl abonn inscr suive folge folgen melde jetzt suscr "
    "regís sígue sigue iscri segui assin inscr siga zapis subsk obser подпи следи присо підпи "
    "bize abone you".split())

# "Read more: <headline>", "Lea también: ...", "Czytaj też: ..." -- a link to another page
READ_ALSO = frozenset(normalize_key(p) for p in (
    "read more", "read also", "also read", "see also", "related", "related article",
    "related story", "more", "watch", "listen", "recommended", "don't miss", "must read",
    "lesen sie auch", "lesen sie mehr", "mehr zum thema", "auch interessant", "siehe auch",
    "lire aussi", "à lire aussi", "a lire aussi", "voir aussi", "à voir aussi", "lire la suite",
    "lea también", "lea más", "lea", "lee también", "vea también", "vea", "ver también",
    "puedes ver", "mira", "mire", "le puede interesar", "te puede interesar", "también lee",
    "leggi anche", "leggi", "vedi anche", "guarda", "leia também", "leia mais", "veja também",
    "veja", "czytaj też", "czytaj także", "czytaj więcej", "zobacz także", "zobacz też",
    "zobacz", "dowiedz się więcej", "przeczytaj", "przeczytaj też", "lees ook", "lees meer",
    "читайте также", "читать также", "смотрите также", "читайте", "по теме", "читайте також",
    "дивіться також", "ayrıca okuyun", "ilginizi çekebilir", "另见", "相关阅读", "延伸阅读",
    "推荐阅读", "関連記事", "관련기사", "اقرأ أيضا", "اقرأ أيضاً",
))
READ_ALSO_FIRST = frozenset(p.split()[0] for p in READ_ALSO)
READ_ALSO_RE = re.compile(r"\W{0,3}([^:\u00bb|>\u2192\uff1a]{1,40}?)\s*[:\u00bb|>\u2192\uff1a]\s*\S")
MENU_SPLIT_RE = re.compile(r"\s+[|\u00b7\u2022\u00bb>/\u203a\u25aa\u2013]\s+|\s*\|\s*")
# furniture that sits inside the article flow without ending it
INLINE = frozenset(normalize_key(p) for p in (
    "advertisement", "advertising", "ad", "ads", "sponsored", "anzeige", "werbung",
    "publicité", "publicidad", "pubblicità", "publicidade", "reklama", "реклама", "reklam",
    "广告", "広告", "광고", "إعلان", "story continues below advertisement",
    "advertisement story continues below", "article continues below advertisement",
    "continue reading the main story", "scroll to continue with content",
))
INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad \t\r\u00a0"
TITLE_SPLIT_RE = re.compile(r"\s+[-|\u2013\u2014:\u00b7\u2022]+\s+")
