"""Boilerplate removal for text that is already extracted from HTML.

Scraped pages keep their furniture ("Subscribe", "log in or register", counters,
datelines, photo credits, menus, language pickers, cookie and share lines).  This
stage removes whole lines, never parts of lines, and reports every removal with the
rule that fired.  It runs before translation, so furniture is never translated.

The package, by seam:

* :mod:`.keys` -- boilerplate's own canonical form of a line, the lookup key, the
  phrase lists (shipped and users');
* :mod:`.lexicon` -- the word lists and patterns of the rules;
* :mod:`.rules` -- pure line rules, each a function with a doctest;
* :mod:`.features`, :mod:`.context`, :mod:`.model` -- the line classifier (logistic
  regression trained by ``bench/train_boilerplate.py``), the features of a line and
  of its place on the page (its neighbours, the page's main region);
* :mod:`.analysis` -- one line judged on its own, remembered per process;
* :mod:`.remover` -- :class:`BoilerplateRemover`: the rules, repeats, recurrence
  across a batch and the classifier over a document;
* :mod:`.wrap` -- the lines of a document, a hard-wrapped paragraph joined into one.

Streaming design: a *warm-up window*.  :meth:`BoilerplateRemover.learn` adds each
document's distinct lines to a window of the last ``boilerplate_window`` documents
(exact duplicate documents count once) and :meth:`BoilerplateRemover.find` looks
the lines up there, so documents of the current batch and of earlier batches count.
A single document on its own gets every rule but the learned one.
"""

from __future__ import annotations

from .analysis import ANCHOR, FEATURE_CACHE, FRAGMENT, FURNITURE, LINE_CACHE, SENTENCE, analyse
from .keys import canonical, normalize_key
from .model import LineModel, default_model
from .remover import CONTROLLABLE, BoilerplateRemover, check_options
from .rules import RULE_NAMES, definite_rule, line_rule



def clear_caches() -> None:
    """Empty the per-process line memos (benchmarks time text never seen before)."""
    LINE_CACHE.clear()
    FEATURE_CACHE.clear()


__all__ = [
    "check_options",
    "ANCHOR", "CONTROLLABLE", "FRAGMENT", "FURNITURE", "RULE_NAMES", "SENTENCE",
    "BoilerplateRemover", "LineModel", "analyse", "canonical", "clear_caches", "default_model",
    "definite_rule", "line_rule", "normalize_key",
]
