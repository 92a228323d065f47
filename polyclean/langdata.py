"""ISO 639-1 language codes and the script each is usually written in, without langcodes.

``langcodes`` answers both questions (``tag_is_valid``, ``Language.maximize``), but its
import and data cost about 50 ms, more than a warm-cache translation run of 1,000
fragments.  This table holds its answers for every two-letter code (the IANA language
subtag registry and CLDR's likely subtags, as langcodes 3.5.1 gives them); longer codes
and tags with subtags still go to langcodes.  ``tests/test_translate.py`` checks the
table against langcodes, so a langcodes update that changes an answer fails the suite;
rebuild it with :func:`build`.
"""

from __future__ import annotations

# code:script for every two-letter code langcodes accepts (deprecated ones included:
# ``iw``, ``in``, ``ji``, ``jw``, ``mo``, ``sh``).
_TABLE = """
    aa:Latn ab:Cyrl ae:Avst af:Latn ak:Latn am:Ethi an:Latn ar:Arab as:Beng av:Cyrl
    ay:Latn az:Latn ba:Cyrl be:Cyrl bg:Cyrl bh:Deva bi:Latn bm:Latn bn:Beng bo:Tibt
    br:Latn bs:Latn ca:Latn ce:Cyrl ch:Latn co:Latn cr:Cans cs:Latn cu:Cyrl cv:Cyrl
    cy:Latn da:Latn de:Latn dv:Thaa dz:Tibt ee:Latn el:Grek en:Latn eo:Latn es:Latn
    et:Latn eu:Latn fa:Arab ff:Latn fi:Latn fj:Latn fo:Latn fr:Latn fy:Latn ga:Latn
    gd:Latn gl:Latn gn:Latn gu:Gujr gv:Latn ha:Latn he:Hebr hi:Deva ho:Latn hr:Latn
    ht:Latn hu:Latn hy:Armn hz:Latn ia:Latn id:Latn ie:Latn ig:Latn ii:Yiii ik:Latn
    in:Latn io:Latn is:Latn it:Latn iu:Cans iw:Hebr ja:Jpan ji:Hebr jv:Latn jw:Latn
    ka:Geor kg:Latn ki:Latn kj:Latn kk:Cyrl kl:Latn km:Khmr kn:Knda ko:Kore kr:Latn
    ks:Arab ku:Latn kv:Cyrl kw:Latn ky:Cyrl la:Latn lb:Latn lg:Latn li:Latn ln:Latn
    lo:Laoo lt:Latn lu:Latn lv:Latn mg:Latn mh:Latn mi:Latn mk:Cyrl ml:Mlym mn:Cyrl
    mo:Latn mr:Deva ms:Latn mt:Latn my:Mymr na:Latn nb:Latn nd:Latn ne:Deva ng:Latn
    nl:Latn nn:Latn no:Latn nr:Latn nv:Latn ny:Latn oc:Latn oj:Latn om:Latn or:Orya
    os:Cyrl pa:Guru pi:Latn pl:Latn ps:Arab pt:Latn qu:Latn rm:Latn rn:Latn ro:Latn
    ru:Cyrl rw:Latn sa:Deva sc:Latn sd:Arab se:Latn sg:Latn sh:Latn si:Sinh sk:Latn
    sl:Latn sm:Latn sn:Latn so:Latn sq:Latn sr:Cyrl ss:Latn st:Latn su:Latn sv:Latn
    sw:Latn ta:Taml te:Telu tg:Cyrl th:Thai ti:Ethi tk:Latn tl:Latn tn:Latn to:Latn
    tr:Latn ts:Latn tt:Cyrl tw:Latn ty:Latn ug:Arab uk:Cyrl ur:Arab uz:Latn ve:Latn
    vi:Latn vo:Latn wa:Latn wo:Latn xh:Latn yi:Hebr yo:Latn za:Latn zh:Hans zu:Latn
"""
SCRIPTS: dict[str, str] = dict(item.split(":") for item in _TABLE.split())


def build() -> str:
    """The table as langcodes gives it today (paste it into ``_TABLE``)."""
    import string

    import langcodes

    codes = [a + b for a in string.ascii_lowercase for b in string.ascii_lowercase
             if langcodes.tag_is_valid(a + b)]
    return " ".join(f"{c}:{langcodes.Language.get(c).maximize().script}" for c in codes)


def is_valid(code: str) -> bool:
    """Is ``code`` a valid language tag (IANA registry)?

    >>> [is_valid(c) for c in ("ru", "RU", "iw", "xx", "zh-Hant", "ast")]
    [True, True, True, False, True, True]
    """
    if len(code) == 2:
        return code.lower() in SCRIPTS
    import langcodes

    return bool(langcodes.tag_is_valid(code))


def usual_script(code: str) -> str:
    """The script ``code`` is usually written in (ISO 15924), or "" when unknown.

    >>> usual_script("ru"), usual_script("ja"), usual_script("zh"), usual_script("sr-Latn")
    ('Cyrl', 'Jpan', 'Hans', 'Latn')
    """
    if len(code) == 2 and code.lower() in SCRIPTS:
        return SCRIPTS[code.lower()]
    import langcodes

    try:
        return langcodes.Language.get(code).maximize().script or ""
    except (ValueError, LookupError):
        return ""
