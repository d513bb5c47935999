"""The Reports page (:mod:`ui.reports.page`): the monthly report on screen, as a PDF and as CSV."""
