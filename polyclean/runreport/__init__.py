"""The HTML run report and the explain view (README "Run report").

- :mod:`.aggregate`: :class:`RunReport`, the counts of a run in bounded memory
  (``add(report_dict, source=None)``, ``merge(other)``, ``write_html(path, summary)``);
- :mod:`.sketch`: the Misra-Gries summary of the most removed lines;
- :mod:`.align`: source and output of a document rebuilt from its report, piece by piece;
- :mod:`.page`, :mod:`.plots`, :mod:`.docview`: the HTML page (Vega-Lite plots, the
  side-by-side view) and the terminal view;
- :mod:`.explain`: ``polyclean explain`` (the commands are in ``polyclean.cli_report``).

How ``clean --html-report FILE`` is wired (``polyclean.workers`` and
``polyclean.runner.RunPage``; measured by ``bench/bench_report.py``): in the worker, after a batch is cleaned, build one ``RunReport.for_worker()``
of the batch
(``part.add(result.record, result.source)`` for each document — the ``Report``
object itself, so no dict is built unless ``--report`` asks for one; ``part.add_error(id,
message)`` for each failed one) and return it with the batch's stats; in the main
process ``agg.merge(part)`` in input order (records that fail before reaching a worker:
``agg.add_error(id, message)``), and at the end ``agg.write_html(FILE, summary_dict)``
with the dict ``--summary-json`` writes (timings per stage under ``"timings"``).
Aggregating in the workers keeps the main process free and sends only the sampled
documents' sources back; the output and the per-document reports do not change.
"""

from .aggregate import RunReport

__all__ = ["RunReport"]
