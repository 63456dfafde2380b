"""Lantern stage: the retrospective review (see docs/review.md and docs/pipeline.md).

For callers (the CLI, the web app):

* `lantern.review.stage.run(con, period_from=None, period_to=None)` writes the
  `review_*` tables to an open store and returns a `ReviewSummary`;
* `lantern.review.report.build_report(con)` reads them into a `ReviewReport`
  (sections of SVG charts and tables: columns and rows, already escaped
  against formula injection);
* `lantern.review.render.render_html(report)` renders the report as one
  self-contained page; `render.write_all(report, out_dir)` writes
  report.html, report.pdf, review.xlsx and tiers.csv.
"""
