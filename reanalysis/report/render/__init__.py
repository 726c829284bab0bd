"""Render the results mapping as Markdown and as one self-contained HTML page.

Both formats come from one document model (:func:`document`: headings, paragraphs,
tables, figures), so the two never disagree. ``blocks`` holds the model and the number
formatting, ``sections`` one module per report section, ``document`` their order, and
``markdown`` and ``html`` the two renderings.
"""

from reanalysis.report.render.document import document
from reanalysis.report.render.html import html
from reanalysis.report.render.markdown import markdown

__all__ = ["document", "html", "markdown"]
