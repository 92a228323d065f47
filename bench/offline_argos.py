"""argostranslate without its network download, for the benchmarks.

argostranslate's MiniSBD sentence splitter downloads a model the first time it is used,
and this machine is offline (``URLError``).  :func:`use_polyclean_splitter` replaces it
with polyclean's splitter (Russian rules): the same sentences, with the untranslated glue between them
riding on the sentence before.
"""

from __future__ import annotations


def use_polyclean_splitter() -> None:
    import argostranslate.sbd as sbd

    from polyclean.translate import split_sentences

    def split(self, text):
        pieces = []
        for p, tr in split_sentences(text, "ru"):
            if tr or not pieces:
                pieces.append(p)
            else:
                pieces[-1] += p
        return pieces

    sbd.MiniSBDSentencizer.split_sentences = split
