"""The HTML run report and the explain view (issue 18)."""
