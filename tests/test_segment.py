"""Segmentation: exact offsets, sentences, and splits where the script changes."""

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from polyclean.segment import count_letters, segment, sentence_spans

LETTER = re.compile(r"[^\W\d_]")


def texts(s: str):
    return [x.text for x in segment(s)]


# --- invariants ---------------------------------------------------------------------------
_ALPHABET = list(
    "abcXYZ éü .,!?:;'\"()«»“”-—/ 0123\t\n\n"
    "Привет мир ЖЁ αβγ 中文日本語 ひらがな カタカナ 한국어 عربي שלום हिन्दी ๑ไทย 。！？"
) + ["\u200b", "\u0301", "\U00020000", "\U0001f600", "\r", "\u13a0", "\u1401"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(_ALPHABET), max_size=120))
@example("abc \u13a0\u13a1 Привет мир, 中文 (x) \u1401 y")
def test_segments_are_exact_ordered_trimmed_and_cover_every_letter(text):
    segs = segment(text)
    covered = set()
    prev_end = 0
    for s in segs:
        assert text[s.start:s.end] == s.text  # offsets into the document
        assert s.text and s.text == s.text.strip()  # no surrounding spaces, never empty
        assert s.start >= prev_end  # ordered, no overlap
        assert "\n" not in s.text
        assert s.line == text.count("\n", 0, s.start)
        prev_end = s.end
        covered.update(range(s.start, s.end))
    # No letter of the document is left outside a segment (nothing is silently lost).
    for m in LETTER.finditer(text):
        assert m.start() in covered


# --- sentences ----------------------------------------------------------------------------
def test_sentences_split_at_terminators_but_not_after_abbreviations_or_initials():
    line = ("Mr. Smith met J. R. Doe of the U.S. Army on Monday. He left at 5 p.m. "
            "and did not return! Why? Nobody knows… Prices rose 2.5 per cent.")
    assert [line[a:b] for a, b in sentence_spans(line)] == [
        "Mr. Smith met J. R. Doe of the U.S. Army on Monday.",
        "He left at 5 p.m. and did not return!",
        "Why?",
        "Nobody knows…",
        "Prices rose 2.5 per cent.",
    ]


def test_sentences_of_cjk_and_quoted_text():
    assert texts("他来了。她走了！好吗？") == ["他来了。", "她走了！", "好吗？"]
    assert texts("“I am supportive of the concept,” Truss had said. “Really?” he asked.") == [
        "“I am supportive of the concept,” Truss had said.",
        "“Really?” he asked.",
    ]


def test_lines_and_paragraphs_are_numbered():
    segs = segment("Title\r\n\nFirst line.\nSecond line.\n\n\nLast one")
    assert [(s.text, s.line, s.para) for s in segs] == [
        ("Title", 0, 0), ("First line.", 2, 1), ("Second line.", 3, 1), ("Last one", 6, 2),
    ]


# --- scripts ------------------------------------------------------------------------------
def test_inline_fragment_in_another_script_becomes_its_own_segment():
    text = "The banner read «Заголовок открываемого материала» and nothing else."
    segs = segment(text)
    assert [(s.text, s.script) for s in segs] == [
        ("The banner read", "Latin"),
        ("«Заголовок открываемого материала»", "Cyrillic"),
        ("and nothing else.", "Latin"),
    ]


def test_language_menu_entries_are_split_by_script():
    assert [(s.text, s.script) for s in segment("English 中文 (Chinese) 日本語 (Japanese) 한국어")] == [
        ("English", "Latin"), ("中文", "Han"), ("(Chinese)", "Latin"),
        ("日本語", "Han"), ("(Japanese)", "Latin"), ("한국어", "Hangul"),
    ]


def test_brands_and_acronyms_stay_inside_foreign_sentences():
    for sentence, script in [
        ("Компания Apple представила iPhone 15 в Купертино.", "Cyrillic"),
        ("SK텔레콤(017670)과 KTF는 PC에 USB를 꽂았다.", "Hangul"),
        ("東京で新しいiPhoneが発売された。", "Kana"),
        ("使用iPhone拍摄的照片。", "Han"),
    ]:
        assert [(s.text, s.script) for s in segment(sentence)] == [(sentence, script)]


def test_lowercase_english_words_next_to_a_foreign_sentence_are_not_absorbed():
    segs = segment("he wrote Вчера в Москве прошёл большой митинг and then left")
    assert [s.script for s in segs] == ["Latin", "Cyrillic", "Latin"]
    assert segs[1].text == "Вчера в Москве прошёл большой митинг"


def test_single_letters_of_another_script_stay_with_their_sentence():
    assert [(s.text, s.script) for s in segment("The α-helix and β-sheet are common.")] == [
        ("The α-helix and β-sheet are common.", "Latin")
    ]


def test_numbers_only_lines_are_common_script():
    assert [(s.text, s.script) for s in segment("36  672 4316\n© 2022")] == [
        ("36  672 4316", "Common"), ("© 2022", "Common"),
    ]


def test_count_letters_counts_every_script():
    assert count_letters("Hi, Мир 2022! 中文 한국") == 9
