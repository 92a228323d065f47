"""Boilerplate removal for text that is already extracted from HTML.

Scraped pages keep their furniture ("Subscribe", "log in or register", counters,
datelines, photo credits, menus, language pickers, cookie and share lines).  This
stage removes whole lines, never parts of lines, and reports every removal with the
rule that fired.  It runs before translation, so furniture is never translated.

Line rules (the first that fires is the ``reason``):

* ``dateline`` -- "- Sputnik International, 1920, 06.09.2022" ending a line, or a
  line that is only a place and a date.
* ``ui-phrase`` -- the line is a known UI string, or a run of them ("Subscribe Sign
  In", "By Jane Smith"), from a gazetteer in 20+ languages (``data/boilerplate_phrases*.txt``:
  the Ghost themes' strings plus our own); ``language-picker`` -- only language names
  ("English 中文 (Chinese) 日本語 (Japanese)").
* ``counter`` -- only digits and symbols ("0", "1.2K"); ``date`` -- only a date or time
  ("Nov. 19, 2019 8:03 am ET", "6 сентября 2022", "2 hours ago"); ``symbols``.
* ``read-also`` -- "Read more: <headline>", "Lea también: ...", "Читайте также: ...".
* ``photo-credit`` -- "© AFP / John Smith", "Photo: Reuters", "... Credit... Name";
  a credit followed by a whole caption sentence is kept.
* ``copyright``, ``cookie-notice``, ``call-to-action`` ("Sign up for our newsletter"),
  ``menu`` (short items joined by ``|``, ``·``, ``•``, ``»`` or ``/``).

Document rules:

* ``duplicate-line`` -- a line already seen in the document; the first copy stays.  A
  caption repeated with a credit or dateline glued on counts as a repeat; a repeated
  sentence counts only when its first copy is within three lines (interview
  questions repeated far apart are content).
* ``recurring-in-batch (k of n docs)`` -- learned: the line recurs in at least
  ``boilerplate_min_docs`` documents of the streaming window (see below).
* ``no-sentence-structure`` -- a line that does not read as a sentence (short, Title
  Case, no terminal punctuation, in any script) is kept only where body text
  surrounds it: a run of at most ten such lines between a sentence of 8+ words and
  another sentence (a subheading, a short list), up to sixty after a sentence ending
  in a colon, or a title right above the text at the top.  Menus, related-article
  lists and footers, which no body sentence surrounds, go.  A document without any
  such sentence keeps these lines (a one-line input is not a page).  A line that ends
  like a sentence is never removed by this rule.

Streaming design: a *warm-up window*.  :meth:`BoilerplateRemover.learn` adds each
document's distinct lines to a window of the last ``boilerplate_window`` documents
(exact duplicate documents count once) and :meth:`BoilerplateRemover.find` looks
the lines up there, so documents of the current batch and of earlier batches count.
Memory is bounded by the window.  A single document on its own gets every rule but
the learned one.  A sentence-like line that recurs is removed only when it stands
alone (its neighbours are not recurring sentences too) and the document keeps some
other sentence, so the copies of one syndicated article are not emptied.
"""

from __future__ import annotations

import re
import zlib
from collections import deque
from pathlib import Path
from typing import Iterable

from .config import Config
from .memo import Memo
from .report import Change

BUILT = True

_DATA_DIR = Path(__file__).resolve().parent / "data"
_PHRASE_FILES = ("boilerplate_phrases.txt", "boilerplate_phrases_ghost.txt")

# --- normalisation -----------------------------------------------------------------------
_CJK_DATE_RE = re.compile(r"(?<=\d)[年月日時时分秒号號]")


class _KeyTable(dict):
    """``str.translate`` table: letters and digits stay (digits become 0), the rest spaces."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        value = "0" if ch.isdecimal() else (ch if ch.isalnum() else " ")
        if len(self) >= 65_536:  # bounded: a text in every script cannot make it grow
            self.clear()
        self[code] = value
        return value


_KEY_TABLE = _KeyTable()
# Non-ASCII punctuation and spaces common in Latin text: not letters, digits or "_",
# each its own case fold, so normalize_key turns each into a space: a line whose only
# non-ASCII characters are these takes the ASCII path.
_TYPOGRAPHIC = "".join(
    c for c in (
        "\u00a0\u00a1\u00a6\u00a7\u00a9\u00ab\u00ae\u00b0\u00b1\u00b6\u00b7\u00bb"
        "\u00bf\u00d7\u2010\u2011\u2012\u2013\u2014\u2015\u2016\u2018\u2019\u201a"
        "\u201b\u201c\u201d\u201e\u201f\u2020\u2021\u2022\u2026\u2030\u2032\u2033"
        "\u2039\u203a\u2122\u2190\u2192\u2212\u25aa\u25b6\u25ba\u25cf\u3000"
        "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f"
    )
    if not c.isalnum() and c != "_" and c.casefold() == c and not re.match(r"\w", c)
)
_TYPOGRAPHIC_RE = re.compile(f"[{_TYPOGRAPHIC}]+")
_NON_ASCII_RE = re.compile("[^\x00-\x7f]")
_ASCII_KEY_TABLE = bytes(
    ord("0") if chr(c).isdigit() else (c if chr(c).isalnum() else ord(" ")) for c in range(256)
)


def normalize_key(line: str) -> str:
    """The form a line is looked up and compared in: casefolded, punctuation and
    symbols dropped, digit runs as ``0``, single spaces.

    >>> normalize_key("  Log in / Register \u00bb ")
    'log in register'
    >>> normalize_key("Comments (12)")
    'comments 0'
    >>> normalize_key("2020年01月02日")
    '0 0 0'
    """
    if not line.isascii():
        if "\u5e74" in line or "\u6708" in line or "\u65e5" in line or "\u53f7" in line:
            line = _CJK_DATE_RE.sub(" ", line)
        # typographic punctuation becomes a space either way; what is left may be ASCII
        bare = line
        m = _NON_ASCII_RE.search(line)  # None when the dates were all that was not ASCII
        if m is not None and m.group() in _TYPOGRAPHIC:  # worth a try
            bare = _TYPOGRAPHIC_RE.sub(" ", line)
        if not bare.isascii():
            key = " ".join(line.casefold().translate(_KEY_TABLE).split())
            return _squeeze_zeros(key) if "00" in key else key
        line = bare
    key = " ".join(line.lower().encode("ascii").translate(_ASCII_KEY_TABLE).decode("ascii").split())
    return _squeeze_zeros(key) if "00" in key else key


def _squeeze_zeros(key: str) -> str:
    """Runs of zeros as one zero (what ``re.sub("0{2,}", "0", key)`` does, faster).

    >>> _squeeze_zeros("0000 a 000 0 00")
    '0 a 0 0 0'
    """
    while "00" in key:
        key = key.replace("00", "0")
    return key


# --- the shipped phrase lists (loaded once per process) -------------------------------------
class _Phrases:
    __slots__ = ("ui", "prefix", "lang", "cover", "max_len", "first", "lang_first",
                 "cover_tokens", "lang_tokens", "prefix_first")

    def __init__(self, ui: set[str], prefix: set[str], lang: set[str]) -> None:
        self.ui = ui
        self.prefix = prefix
        self.lang = lang
        # Pieces a line may be tiled with ("Subscribe Sign In"): no very short ones.
        self.cover = {p for p in ui | lang if len(p) >= 4 or not p.isascii()}
        self.max_len = max((p.count(" ") + 1 for p in self.cover), default=1)
        self.first = {p.split(" ", 1)[0] for p in self.cover}
        self.lang_first = {p.split(" ", 1)[0] for p in lang}
        # every token of a tiled line is a token of some piece
        self.cover_tokens = {t for p in self.cover for t in p.split(" ")}
        self.lang_tokens = {t for p in lang for t in p.split(" ")}
        self.prefix_first = {p.split(" ", 1)[0] for p in prefix}


_PHRASES: _Phrases | None = None


def _load_phrases() -> _Phrases:
    global _PHRASES
    if _PHRASES is None:
        sections: dict[str, set[str]] = {"ui": set(), "prefix": set(), "lang": set()}
        for name in _PHRASE_FILES:
            path = _DATA_DIR / name
            if not path.exists():
                continue
            section = "ui"
            for raw in path.read_text(encoding="utf-8").splitlines():
                raw = raw.strip()
                if not raw or raw.startswith("#"):
                    continue
                if raw.startswith("[") and raw.endswith("]"):
                    section = raw[1:-1]
                    continue
                key = normalize_key(raw)
                if key and section in sections:
                    sections[section].add(key)
        _PHRASES = _Phrases(sections["ui"], sections["prefix"], sections["lang"])
    return _PHRASES


# --- line features -------------------------------------------------------------------------
# Characters of scripts written without spaces between words (Han, kana, Thai, Lao,
# Khmer, Myanmar): two of them count as one word.
_UNSPACED_RE = re.compile(
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]"
)
_TRAIL_CLOSERS = "\"'\u00bb\u00ab\u201d\u2019\u201c\u2018\u203a)]}\u300d\u300f\u3011\uff09* \t\r"
_SENTENCE_END = frozenset(".!?\u2026\u3002\uff01\uff1f\u061f\u0964\u06d4\uff0e~\uff5e")
_CLAUSE_END = frozenset(":;,\uff1a\uff1b\uff0c\u3001")
# a sentence boundary inside a line: a word of 3+ letters, terminal punctuation, space,
# a capital letter or digit (or an ideographic full stop)
_INNER_END_RE = re.compile(r"[^\W\d_]{3}[.!?\u2026]['\"\u201d\u2019)]?\s+[\"'\u201c\u2018(]?[^\W_a-z\u00df-\u00ff]|[\u3002\uff01\uff1f](?!$)")
# what a social post ends with after its last sentence: links, hashtags, mentions, emoji
_TRAIL_JUNK_RE = re.compile(
    r"(?:\s+(?:https?://\S+|pic\.twitter\.com/\S+|www\.\S+|[#@]\w+)|\s*[\U0001F000-\U0001FAFF\u2600-\u27BF\ufe0f\u200d]+)+$"
)
_INNER_ENDS = 1  # a long line with this many inner sentence boundaries is running text
_NUMBER_LINE_RE = re.compile(r"[\W\d_]*\d[\W\d_]*(?:[kKmMbB]|mln|tys)?[\W\d_]*")

STRONG_UNITS = 8  # a sentence of at least this many words anchors its neighbours
MAX_RUN = 10  # at most this many lines without sentence structure between two anchors
LIST_RUN = 60  # ... or after a sentence that ends in a colon (it announces a list)
DUP_SENTENCE_WINDOW = 3  # a repeated sentence is removed when its first copy is this near
LONG_UNITS = 15  # a line this long may hold sentences without ending like one
# removed lines that do not interrupt the article flow, for the context rule
TRANSPARENT = frozenset(("read-also", "symbols"))


def _units(s: str) -> int:
    """Words in ``s``, counting two characters of an unspaced script as one word."""
    n = len(s.split())
    if not s.isascii():
        k = len(_UNSPACED_RE.findall(s))
        if k:
            n += k // 2
    return n


def _ends_sentence(s: str, units: int) -> bool:
    """True when the line ends like a sentence (``s`` is stripped)."""
    t = s.rstrip(_TRAIL_CLOSERS)
    if not t:
        return False
    c = t[-1]
    if c in _SENTENCE_END:
        if c == "." and units <= 1:  # "U.S." or "Corp." alone is a menu item
            return False
        return True
    if c in _CLAUSE_END:
        return units >= (2 if c in ",\uff0c\u3001" else 3)
    return False


_TRAIL_PAREN_RE = re.compile(r"\s*[(\uff08\[][^()\uff08\uff09\[\]]{1,60}[)\uff09\]]$")


def _title_like(s: str) -> bool:
    """Most longer words start with a capital letter (headlines, menus, names)."""
    caps = total = 0
    for w in s.split():
        if len(w) < 4:
            continue
        c = w[0] if w[0].isalpha() else w.lstrip("\"'(\u201c\u2018\u00ab[")[:1]
        if not c or not c.isalpha() or c.isupper() == c.islower():  # uncased script
            continue
        total += 1
        caps += c.isupper()
    return total >= 2 and caps >= 0.75 * total


def _has_sentences(s: str, units: int) -> bool:
    """True when the line reads as running text: it ends like a sentence (before a
    closing parenthesis such as an author's name), or it is long and not Title Case."""
    if _ends_sentence(s, units):
        return True
    if s[-1] in ")\uff09]":
        m = _TRAIL_PAREN_RE.search(s)
        if m and m.start() > 0 and _ends_sentence(s[: m.start()], units):
            return True
    last = s[s.rfind(" ") + 1:]
    m = None
    if last[:1] in ("#", "@", "h", "p", "w") or ord(s[-1]) >= 0x2600:
        m = _TRAIL_JUNK_RE.search(s)
    if m and m.start() > 0:
        t = s[: m.start()]
        if _ends_sentence(t, units) or (units >= 6 and not m.group().strip().startswith(
                ("#", "@", "h", "p", "w"))):  # ends with an emoji after six words
            return True
    if units >= LONG_UNITS:
        return len(_INNER_END_RE.findall(s)) >= _INNER_ENDS
    return False


# --- specific rules --------------------------------------------------------------------------
_DATE_WORDS = frozenset(normalize_key(w) for w in """
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
_DATE_MARKERS = _DATE_WORDS - frozenset(normalize_key(w) for w in """
on at by and of the le il y a el de del a las em às h g в st nd rd th am um min""".split())

# "- Sputnik International, 1920, 06.09.2022" ending a line (a caption or the line itself)
_DATELINE_SUFFIX_RE = re.compile(
    r"(?:^|\s)[-\u2013\u2014|]\s*[^\W\d_][^,\n]{0,48}?(?:,\s*\d[\d./:\- ]*){1,3}$"
)
_DATELINE_PLACE_RE = re.compile(r"^\W*[^\W\d_][^,\n]{0,40},\s*(?P<rest>.+)$")

_CREDIT_WORDS = (
    r"photo(?:graph)?s?|image|picture|pic|credits?|source|foto(?:s|grafie|grafia)?|bild(?:quelle)?|"
    r"quelle|illustration|fuente|fonte|crédits?|crédito|imagen|zdjęcie|fot|źródło|фото|"
    r"фотография|источник|джерело|图片|图|摄影|来源|写真|사진|출처|صورة|المصدر"
)
_CREDIT_START_RE = re.compile(
    r"\W{0,3}(?:(?:©|\(c\))\s*|(?:" + _CREDIT_WORDS + r")(?:\s*(?:by|von|par|por|di)\b)?"
    r"\s*[:/|\u2026]+\s*|(?:" + _CREDIT_WORDS + r")\s*\.\.\.\s*"
    r"|(?:photo|foto|image|bild)s?\s+(?:by|von|par|por|di)\s+)",
    re.I,
)
_CREDIT_FIRST = frozenset(normalize_key(w) for w in re.sub(r"[()?:|]|\\b", " ", _CREDIT_WORDS)
                          .replace("s ", " ").split() if w)
_CREDIT_FIRST |= {"photos", "photographs", "credits", "fotos", "fotografie", "fotografia",
                  "crédits", "bildquelle", "photograph", "c"}
_CREDIT_END_RE = re.compile(
    r"(?:\b(?:credit|photo|image|foto|bild|фото)s?\s*(?:\.\.\.|\u2026|:)\s*[^.!?\u3002]{2,80}"
    r"|\(\s*(?:" + _CREDIT_WORDS + r")\b[^()]{1,80}\)"
    r"|\s(?:©|\(c\))\s*[^.!?\u3002]{2,60})$",
    re.I,
)
_AGENCY_RE = re.compile(
    r"\b(?:getty images|afp|reuters|ap photo|associated press|shutterstock|dpa|epa|istock|"
    r"imago|picture alliance|xinhua|тасс|риа новости|sputnik|фотобанк)\b",
    re.I,
)
_RIGHTS = tuple(normalize_key(p) for p in (
    "all rights reserved", "alle rechte vorbehalten", "tous droits réservés",
    "todos los derechos reservados", "tutti i diritti riservati", "todos os direitos reservados",
    "wszelkie prawa zastrzeżone", "все права защищены", "всі права захищені",
    "tüm hakları saklıdır", "alle rechten voorbehouden", "版权所有", "版權所有", "著作権",
    "جميع الحقوق محفوظة", "registered trademark", "eingetragene warenzeichen",
    "marques déposées", "marcas registradas",
))
_AGENCY_TOKENS = frozenset(
    "getty afp reuters ap associated shutterstock dpa epa istock imago picture xinhua тасс риа "
    "sputnik фотобанк".split())
_RIGHTS_TOKENS = frozenset(normalize_key(
    "reserved réservés reservados riservati vorbehalten zastrzeżone защищены захищені saklıdır "
    "защищены захищені "
    "voorbehouden trademark trademarks warenzeichen déposées registradas").split())
_RIGHTS_UNSPACED = ("版权", "版權", "著作権", "الحقوق", "저작권")
_RIGHTS_RE = re.compile("|".join(re.escape(p) for p in _RIGHTS))
_COMPANY_RE = re.compile(r"\u00a9\s*(?:\d{4}|copyright|[^.,]{1,60}\b(?:inc|ltd|llc|gmbh|ag|plc|corp|"
                         r"corporation|company|group|s\.a|s\.l|sp\. z o\.o|oy|ab)\b)", re.I)
_COOKIE_HINTS = ("cookie", "çerez", "クッキー", "쿠키")
_COOKIE_RE = re.compile(
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
_CTA_START_RE = re.compile(
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
_CTA_ANY_RE = re.compile(
    r"(?:sign(?:ing)? up|subscrib\w*|register\w*) (?:to|for) (?:our|the) (?:\w+ ){0,2}newsletter"
    r"|(?:straight |directly )?(?:to|in|into) your inbox|\byou (?:agree|accept|consent|acknowledge|"
    r"have read and agree)\b.{0,80}\b(?:terms|privacy|policy|cookies?|conditions)",
    re.I,
)
# what the line's key holds when _CTA_ANY_RE can match, besides "newsletter" and "nbox"
# ("inbox" but for the dotted and dotless i that the pattern's IGNORECASE also takes)
_CTA_ANY_WORDS = ("you agree", "you accept", "you consent", "you acknowledge",
                  "you have read and agree")
_CTA_FIRST = frozenset(
    "sign signi signu subsc follo join downl get regis like stay never don click tap suppo "
    "becom alrea pleas log login to newsl abonn inscr suive folge folgen melde jetzt suscr "
    "regís sígue sigue iscri segui assin inscr siga zapis subsk obser подпи следи присо підпи "
    "bize abone you".split())

# "Read more: <headline>", "Lea también: ...", "Czytaj też: ..." -- a link to another page
_READ_ALSO = frozenset(normalize_key(p) for p in (
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
_READ_ALSO_FIRST = frozenset(p.split()[0] for p in _READ_ALSO)
_READ_ALSO_RE = re.compile(r"\W{0,3}([^:\u00bb|>\u2192\uff1a]{1,40}?)\s*[:\u00bb|>\u2192\uff1a]\s*\S")
_MENU_SPLIT_RE = re.compile(r"\s+[|\u00b7\u2022\u00bb>/\u203a\u25aa\u2013]\s+|\s*\|\s*")
# furniture that sits inside the article flow without ending it
_INLINE = frozenset(normalize_key(p) for p in (
    "advertisement", "advertising", "ad", "ads", "sponsored", "anzeige", "werbung",
    "publicité", "publicidad", "pubblicità", "publicidade", "reklama", "реклама", "reklam",
    "广告", "広告", "광고", "إعلان", "story continues below advertisement",
    "advertisement story continues below", "article continues below advertisement",
    "continue reading the main story", "scroll to continue with content",
))
_INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad \t\r\u00a0"
_TITLE_SPLIT_RE = re.compile(r"\s+[-|\u2013\u2014:\u00b7\u2022]+\s+")


def _covered(tokens: list[str], pieces: set[str], max_len: int,
             piece_tokens: set[str] | None = None) -> bool:
    """Can ``tokens`` be tiled with entries of ``pieces`` (each of 1..max_len tokens)?
    ``piece_tokens``, the tokens of the pieces, rules most lines out at once."""
    if piece_tokens is not None and not piece_tokens.issuperset(tokens):
        return False
    n = len(tokens)
    ok = [False] * (n + 1)
    ok[0] = True
    for i in range(n):
        if not ok[i]:
            continue
        for j in range(i + 1, min(n, i + max_len) + 1):
            if not ok[j] and " ".join(tokens[i:j]) in pieces:
                ok[j] = True
    return ok[n]


def _is_date(key: str, tokens: list[str] | None = None) -> bool:
    if tokens is None:
        tokens = key.split()
    if not tokens or len(tokens) > 14:
        return False
    marker = False
    for t in tokens:
        if t == "0" or (t[0] == "0" and t.strip("0") in _DATE_WORDS):  # "0th", "0pm", "0h0"
            marker = True
        elif t in _DATE_WORDS:
            marker = marker or t in _DATE_MARKERS
        else:
            return False
    return marker


def _phrase_rule(key: str, ends: bool, units: int, tokens: list[str] | None = None
                 ) -> str | None:
    ph = _PHRASES or _load_phrases()
    if key in ph.ui or (key.endswith(" 0") and key[:-2] in ph.ui):  # "Comments (12)"
        return "ui-phrase"
    if key in ph.lang:
        return "language-picker"
    if ends or units > 12:
        return None
    if tokens is None:
        tokens = key.split()
    if len(tokens) < 2:
        return None
    first = tokens[0]
    if first in ph.lang_first and _covered(tokens, ph.lang, 3, ph.lang_tokens):
        return "language-picker"
    if first in ph.first and _covered(tokens, ph.cover, ph.max_len, ph.cover_tokens):
        return "ui-phrase"
    if len(tokens) <= 7 and first in ph.prefix_first:
        for k in (1, 2, 3):
            if len(tokens) > k and " ".join(tokens[:k]) in ph.prefix and len(tokens) - k <= 4:
                return "ui-phrase"
    return None


def _rule(s: str, key: str, units: int, ends: bool) -> str | None:
    """The definite rule for one stripped line (not the context rule), or None."""
    n = len(s)
    if not key:  # only symbols and punctuation
        return "symbols"
    sp = key.find(" ")
    first = key if sp < 0 else key[:sp]
    tail = s[-120:] if n > 120 else s
    last = s[-1]
    if last.isdigit() and "," in tail:
        if _DATELINE_SUFFIX_RE.search(tail):
            return "dateline"
        if n <= 120:
            m = _DATELINE_PLACE_RE.match(s)
            if m and _is_date(normalize_key(m.group("rest"))):
                return "dateline"
    tokens = key.split() if n <= 1000 else None
    if n <= 200:
        rule = _phrase_rule(key, ends, units, tokens)
        if rule:
            return rule
        if units <= 8:
            if _NUMBER_LINE_RE.fullmatch(s):
                return "counter"
            if not ends and not _AGENCY_TOKENS.isdisjoint(tokens) and _AGENCY_RE.search(s):
                return "photo-credit"
        if units <= 14 and _is_date(key, tokens):
            return "date"
        if first in _READ_ALSO_FIRST:
            m = _READ_ALSO_RE.match(s)
            if m and normalize_key(m.group(1)) in _READ_ALSO:
                return "read-also"
    if s[0] in "\u00a9(" or first in _CREDIT_FIRST:
        m = _CREDIT_START_RE.match(s)
        if m:
            rest = s[m.end():].strip()
            r_units = _units(rest)
            if not rest or (r_units <= 10 and not _ends_sentence(rest, r_units)):
                return "photo-credit"
    elif (last == ")" or "\u2026" in tail or "..." in tail or ":" in tail or "\u00a9" in tail) \
            and units <= 60 and _CREDIT_END_RE.search(tail):
        return "photo-credit"
    if n <= 1000:
        ascii_key = key.isascii()
        if first == "copyright" or (
                not _RIGHTS_TOKENS.isdisjoint(tokens) and _RIGHTS_RE.search(key)) or (
                not ascii_key and any(h in key for h in _RIGHTS_UNSPACED)):
            return "copyright"
        if "\u00a9" in s and ((s[0] == "\u00a9" and (not ends or _COMPANY_RE.match(s)))
                               or units <= 12):
            return "copyright"
        if ("cookie" in key or (not ascii_key and any(h in key for h in _COOKIE_HINTS))) \
                and _COOKIE_RE.search(s):
            return "cookie-notice"
    if units <= 60:
        if first[:5] in _CTA_FIRST and _CTA_START_RE.match(s):
            return "call-to-action"
        if ("inbox" in key or "you " in key) and (
                "newsletter" in key or "nbox" in key or any(p in key for p in _CTA_ANY_WORDS)
        ) and _CTA_ANY_RE.search(s):
            return "call-to-action"
    if not ends and units <= 40 and ("|" in s or " / " in s or "\u00b7" in s or "\u2022" in s
                                     or " \u00bb " in s or " > " in s or "\u203a" in s):
        parts = [p for p in _MENU_SPLIT_RE.split(s) if p.strip()]
        if len(parts) >= 3 and all(_units(p) <= 4 for p in parts):
            return "menu"
    return None


def line_rule(line: str) -> str | None:
    """The rule that marks one line as boilerplate on its own, or None.

    ``no-sentence-structure`` here means *candidate*: in a document the remover keeps
    such a line when it stands between body sentences (a subheading, a short list).
    The duplicate and learned rules need the document and the batch, so they are
    applied by :class:`BoilerplateRemover` only.

    >>> [line_rule(s) for s in ("Subscribe", "log in or register", "0", "Chats")]
    ['ui-phrase', 'ui-phrase', 'counter', 'ui-phrase']
    >>> line_rule("English 中文 (Chinese) 日本語 (Japanese)")
    'language-picker'
    >>> line_rule("- Sputnik International, 1920, 06.09.2022")
    'dateline'
    >>> line_rule("Nov. 19, 2019 8:03 am ET")
    'date'
    >>> line_rule("Kremlin Expects No Improvement in Ties With Britain Under Prime Minister Truss")
    'no-sentence-structure'
    >>> line_rule("Он сказал, что переговоры продолжатся в понедельник.") is None
    True
    """
    s = line.strip()
    if not s:
        return None
    units = _units(s)
    rule = _rule(s, normalize_key(s), units, _ends_sentence(s, units))
    if rule is None and not _has_sentences(s, units):
        rule = "no-sentence-structure"
    return rule


def _canonical(s: str) -> str:
    from .normalize import normalized

    return normalized(s, _DEFAULT_CONFIG)


_DEFAULT_CONFIG = Config()


def _analyse(s: str) -> tuple[str, str | None, int, int]:
    """(key, definite rule, kind, digest of the key) of a stripped line; kind 0 removed
    by a rule, 1 no sentence structure, 2 a sentence, 3 a sentence long enough to
    anchor others.

    A line is judged in the form the normaliser will give it (quotes, dashes,
    spaces), so cleaning already-clean text takes the same decisions again."""
    if not s.isascii():
        s = _canonical(s)
    key = normalize_key(s)
    digest = _digest(key) if key else 0
    units = _units(s)
    ends = _ends_sentence(s, units)
    rule = _rule(s, key, units, ends)
    if rule is not None:
        return key, rule, 0, digest
    if ends or _has_sentences(s, units):
        return key, None, 3 if units >= STRONG_UNITS else 2, digest
    return key, None, 1, digest


def _analysed(s: str, spill: dict | None = None) -> tuple[str, str | None, int, int]:
    """``_analyse(s)``, remembered in the per-process memo when ``s`` is short (long
    lines are article text and rarely recur) and met before; a line met for the first
    time goes into ``spill`` instead (the batch's own table, when given).

    >>> _LINE_CACHE.clear(); spill = {}
    >>> _ = _analysed("Subscribe", spill); len(_LINE_CACHE), len(spill)
    (0, 1)
    >>> _ = _analysed("Subscribe", spill); len(_LINE_CACHE)
    1
    """
    hit = _LINE_CACHE.get(s)
    if hit is None:
        hit = _analyse(s)
        if len(s) <= _CACHED_CHARS and not _LINE_CACHE.offer(s, hit) and spill is not None:
            spill[s] = hit
    return hit


# Lines recur across the pages of a site: the analysis of short lines is cached (per
# process, bounded; the analysis is a pure function of the line).
_LINE_CACHE_SIZE = 4_096  # lines per generation
_CACHED_CHARS = 300  # longer lines are not cached
_LINE_CACHE = Memo(_LINE_CACHE_SIZE, admit_on_second=True)


# --- document-level remover --------------------------------------------------------------------
_MAX_KEY_CHARS = 1000  # longer lines are never learned (they are article text)
_MAX_LINES_PER_DOC = 2000


def _digest(key: str) -> int:
    """A stable 64-bit hash (the same in every process, unlike ``hash``)."""
    b = key.encode("utf-8")
    return zlib.crc32(b) | (zlib.adler32(b) << 32)


class BoilerplateRemover:
    """Finds boilerplate lines; learns recurring lines over a streaming window.

    >>> r = BoilerplateRemover(Config())
    >>> text = "Subscribe\\nThe minister said talks would continue next week.\\n0\\n"
    >>> [(c.original, c.reason) for c in r.find(text)]
    [('Subscribe\\n', 'ui-phrase'), ('0\\n', 'counter')]
    """

    def __init__(self, config: Config) -> None:
        self.config = config
        self.min_docs = max(2, int(config.boilerplate_min_docs))
        self._window: deque[tuple[int, tuple[int, ...]]] = deque()
        self._counts: dict[int, int] = {}
        self._doc_hashes: dict[int, int] = {}
        # analyses that find() needs next of the lines of the last learned batch that
        # the per-process cache does not keep: long lines (article paragraphs rarely
        # recur) and short ones met for the first time
        self._long: dict[str, tuple[str, str | None, int, int]] = {}

    # -- learning -----------------------------------------------------------------------
    def learn(self, texts: Iterable[str]) -> None:
        """Update the batch statistics with a batch of (repaired) documents.

        Each document's distinct lines enter a window of the last
        ``config.boilerplate_window`` documents; exact duplicate documents count once.
        """
        size = max(1, int(self.config.boilerplate_window))
        long_lines = self._long = {}
        for text in texts:
            if not isinstance(text, str):
                continue
            doc_hash = _digest(text)
            if doc_hash in self._doc_hashes:
                continue
            keys: set[int] = set()
            peek = _LINE_CACHE.peek
            for raw in text.split("\n", _MAX_LINES_PER_DOC)[:_MAX_LINES_PER_DOC]:
                s = raw.strip()
                if s and len(s) <= _MAX_KEY_CHARS:
                    if len(s) <= _CACHED_CHARS:  # find() will need the analysis anyway
                        hit = peek(s) or long_lines.get(s) or _analysed(s, long_lines)
                        if hit[0]:
                            keys.add(hit[3])
                    else:  # analysed now for find(); counted by the key of the line as it is
                        hit = long_lines.get(s)
                        if hit is None:
                            hit = long_lines[s] = _analyse(s)
                        if s.isascii():  # then the analysis used the same key
                            if hit[0]:
                                keys.add(hit[3])
                        else:
                            key = normalize_key(s)
                            if key:
                                keys.add(_digest(key))
            entry = (doc_hash, tuple(keys))
            self._window.append(entry)
            self._doc_hashes[doc_hash] = self._doc_hashes.get(doc_hash, 0) + 1
            counts = self._counts
            for h in entry[1]:
                counts[h] = counts.get(h, 0) + 1
            while len(self._window) > size:
                self._forget(self._window.popleft())

    def _forget(self, entry: tuple[int, tuple[int, ...]]) -> None:
        doc_hash, keys = entry
        left = self._doc_hashes.get(doc_hash, 0) - 1
        if left > 0:
            self._doc_hashes[doc_hash] = left
        else:
            self._doc_hashes.pop(doc_hash, None)
        counts = self._counts
        for h in keys:
            c = counts.get(h, 0) - 1
            if c > 0:
                counts[h] = c
            else:
                counts.pop(h, None)

    @property
    def documents_seen(self) -> int:
        """Documents currently in the learning window."""
        return len(self._window)

    def recurrence(self, line: str) -> int:
        """In how many documents of the window ``line`` occurs (after normalisation)."""
        key = normalize_key(line.strip())
        return self._counts.get(_digest(key), 0) if key else 0

    # -- finding ------------------------------------------------------------------------
    def find(self, text: str) -> list[Change]:
        """Changes that remove boilerplate lines of ``text`` (result "").

        Each change covers one whole line including its line break; changes are in
        text order and never overlap.
        """
        spans: list[tuple[int, int]] = []
        strs: list[str] = []
        pos = 0
        size = len(text)
        for raw in text.split("\n"):
            end = pos + len(raw)
            s = raw.strip()
            if s and (s[0] in _INVISIBLE or s[-1] in _INVISIBLE):
                s = s.strip(_INVISIBLE)
            if s:
                spans.append((pos, end + 1 if end < size else end))
                strs.append(s)
            pos = end + 1
        n = len(strs)
        if not n:
            return []

        reasons: list[str | None] = [None] * n
        kind = [0] * n  # 0 removed by a rule, 1 no sentence structure, 2 sentence, 3 strong
        keys = [""] * n
        digests = [0] * n
        first_seen: dict[str, int] = {}
        recent: deque[tuple[int, str]] = deque(maxlen=3)  # near repeats (captions)
        dup_of: dict[int, int] = {}
        titles: set[str] = set()  # the page title and its parts: a later copy is the headline
        headline = -1
        title_key = ""
        peek = _LINE_CACHE.peek
        long_lines = self._long
        for i, s in enumerate(strs):
            key, rule, kind[i], digests[i] = (peek(s) or long_lines.get(s)
                                              or _analysed(s))
            keys[i] = key
            if rule is None:
                if i == 0 and kind[i] == 1:
                    titles = {k for k in (normalize_key(p) for p in _TITLE_SPLIT_RE.split(s))
                              if len(k) >= 12}
                    titles.add(key)
                    title_key = key
                elif headline < 0 and kind[i] == 1 and titles and (key in titles or (
                        len(key) >= 20 and key in title_key and len(key) * 2 >= len(title_key))):
                    headline = i
                    kind[i] = 2
                    first_seen[key] = i
                    recent.append((i, key))
                    continue
                j = first_seen.get(key)
                if j is not None:
                    if kind[i] == 1:  # decided after the context rule (see below)
                        dup_of[i] = j
                    elif i - j <= DUP_SENTENCE_WINDOW:
                        rule = "duplicate-line"
                elif len(key) >= 20:
                    core = key
                    if s[-1].isdigit():
                        tail = s[-120:]
                        m = _DATELINE_SUFFIX_RE.search(tail)
                        if m:
                            core = normalize_key(s[: len(s) - len(tail) + m.start()])
                    for j, prev in recent:
                        short, long_ = (core, prev) if len(core) <= len(prev) else (prev, core)
                        if len(short) >= 20 and len(short) * 2 >= len(long_) and short in long_:
                            rule = "duplicate-line"
                            break
            if key:
                first_seen.setdefault(key, i)
                recent.append((i, key))
            if rule:
                reasons[i] = rule
                kind[i] = 0

        # learned: lines recurring across the documents of the window
        if self._counts:
            counts = self._counts
            window = len(self._window)
            min_docs = self.min_docs
            hits = [0] * n
            for i in range(n):
                if kind[i] and keys[i] and len(strs[i]) <= _MAX_KEY_CHARS:
                    hits[i] = counts.get(digests[i], 0)
            kept_sentences = sum(1 for i in range(n) if kind[i] >= 2 and hits[i] < min_docs)
            for i in range(n):
                if hits[i] < min_docs:
                    continue
                if kind[i] >= 2:
                    # a recurring sentence beside another recurring sentence is more
                    # likely a copied article than a template line: keep both
                    if kept_sentences == 0:
                        continue
                    if (i > 0 and kind[i - 1] >= 2 and hits[i - 1] >= min_docs) or (
                        i + 1 < n and kind[i + 1] >= 2 and hits[i + 1] >= min_docs
                    ):
                        continue
                reasons[i] = f"recurring-in-batch ({hits[i]} of {window} docs)"
            for i in range(n):
                if reasons[i]:
                    kind[i] = 0

        # context: lines without sentence structure stay only between body sentences
        if 3 in kind:
            i = 0
            while i < n:
                if kind[i] != 1:
                    i += 1
                    continue
                j = i
                while j < n and kind[j] == 1:
                    j += 1
                p = i - 1  # the line before the run, furniture in the flow skipped
                while p >= 0 and kind[p] == 0 and (reasons[p] in TRANSPARENT or keys[p] in _INLINE):
                    p -= 1
                a = p  # the anchor before it: short sentences skipped too
                while a >= 0 and (kind[a] == 2 or (kind[a] == 0 and (
                        reasons[a] in TRANSPARENT or keys[a] in _INLINE))):
                    a -= 1
                b = j  # the line after the run
                while b < n and kind[b] == 0 and (reasons[b] in TRANSPARENT or keys[b] in _INLINE):
                    b += 1
                if i == 0:  # a title at the top, right above the text, is its headline
                    anchored = j <= 2 and b < n and kind[b] == 3
                elif a < 0 or kind[a] != 3:
                    anchored = False
                elif kind[p] >= 2 and strs[p][-1] in ":\uff1a":  # "... as follows:" + a list
                    anchored = j - i <= LIST_RUN
                else:
                    anchored = j - i <= MAX_RUN and b < n and kind[b] >= 2
                if not anchored:
                    for k in range(i, j):
                        reasons[k] = "no-sentence-structure"
                i = j

        for i, j in dup_of.items():
            if reasons[j] is not None:
                reasons[i] = "duplicate-line"
        out: list[Change] = []
        for (start, end), reason in zip(spans, reasons):
            if reason:
                out.append(Change("boilerplate", start, end, text[start:end], "", reason))
        return out
