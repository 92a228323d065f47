"""Defects found by cleaning text polyclean was not tuned on (Tatoeba's short sentences,
one per line; edge texts such as emoji sequences and Persian words): what a user sees in
the output."""

from __future__ import annotations

import polyclean

# Tatoeba English sentences, one per line, with a one-word answer among them
SHORT_SENTENCES = [
    "Are you on the committee?",
    "I don't know what to say to make you feel better.",
    "I can swim very fast.",
    "Today is the fifth.",
    "No.",
    "Hello? Are you still there?",
    "I want to go there once more.",
    "Could you explain how the dishwasher works?",
    "This is an amazing offer.",
    "You are right.",
    "You're completely out of your mind.",
    "I hired someone today.",
    "I am not writing a letter.",
]


def test_a_one_word_sentence_does_not_cut_off_the_sentences_after_it():
    """A page of short sentences, one per line, lost the nine lines from "No." on: a
    line of one word and a full stop reads as a menu item ("Corp."), so it broke the
    chain of short sentences that go on from the running text above, and the classifier
    took them all.  Without the "No." line the page kept every line."""
    text = "\n".join(SHORT_SENTENCES)
    assert polyclean.clean("\n".join(s for s in SHORT_SENTENCES if s != "No."),
                           translate=False) == text.replace("No.\n", "")
    assert polyclean.clean(text, translate=False) == text


def test_joiners_that_shape_a_word_or_an_emoji_are_kept():
    """The zero-width joiner and non-joiner were removed with the other invisible
    characters, which changed what a reader sees: the family emoji fell apart into four
    people and the rainbow flag into a white flag and a rainbow; the Persian
    "می‌خواهم" (I want) was written with its prefix joined to the verb, and a Devanagari
    half form became a conjunct.  Between two letters, marks or emoji outside ASCII they
    stay; elsewhere (a word's edge, ASCII text) they go, as do the other zero-width and
    direction characters."""
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"
    rainbow = "\U0001f3f3\ufe0f\u200d\U0001f308"
    text = f"Our family {family} walked under the {rainbow} flag all day long."
    assert polyclean.clean(text, translate=False) == text
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 \u0628\u0647 \u062e\u0627\u0646\u0647 \u0628\u0631\u0648\u0645."
    assert polyclean.clean(persian, translate=False) == persian
    half_form = "\u0915\u094d\u200d\u0937"
    assert polyclean.normalize(f"{half_form} is a half form") == f"{half_form} is a half form"
    # invisible characters that shape nothing still go
    assert polyclean.normalize("a\u200db zero\u200b width\u200c \u200d end\u200f.") == "ab zero width end."


def test_a_sentence_inside_a_longer_sentence_is_no_repeat():
    """Tatoeba lists a sentence beside its variants, one per line, and the boilerplate
    stage took a variant as "a caption repeated with a credit glued on (or cut short)":
    "Будь ласка, запишіть це на мій рахунок." after "Запишіть це на мій рахунок.", "Me
    puse bajo el paraguas de mi amigo." after the same sentence going on "... porque se
    puso a llover.".  A finished sentence repeats a line only where that line holds it
    as a sentence of its own, not as the start or the end of a longer one; a caption
    repeated with its credit still goes."""
    pairs = [
        ("Запишіть це на мій рахунок.", "Будь ласка, запишіть це на мій рахунок."),
        ("Me puse bajo el paraguas de mi amigo porque se puso a llover.",
         "Me puse bajo el paraguas de mi amigo."),
        ("Quelqu'un peut-il m'aider, je vous prie ?", "Quelqu'un peut-il m'aider ?"),
        ("كان سامي يربح الكثير من المال.", "سامي يربح الكثير من المال."),
    ]
    for first, second in pairs:
        result = polyclean.Cleaner(translate=False, normalize=False).clean(f"{first}\n{second}\n")
        assert result.text == f"{first}\n{second}\n", (first, second)
    caption = "Firefighters work at the scene of the blaze in the old town."
    for copy in (caption + " Photo: Reuters", caption + " (Video)", caption[:44]):
        result = polyclean.Cleaner(translate=False).clean(f"{caption}\n{copy}\n")
        assert result.text == caption, copy
