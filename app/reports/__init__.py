"""The monthly report: its period, its figures (computed in SQL on indexes), its charts, the
PDF and the CSV tables, for the command line and the Reports page."""
