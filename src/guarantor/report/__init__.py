"""The report: the assessment document drawn as HTML, PDF and a workbook (a shell)."""
