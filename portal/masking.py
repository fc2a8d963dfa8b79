"""The one way a public page shows a person's name: each word keeps its first and last letter,
the letters between become "*" ("WAHYUNI LESTARI" -> "W*****I L*****I"); a word of one or two
letters shows its first letter and "*". The function lives in grievance (below this app, whose
public timeline masks too) so that every public response masks through the same code."""

from grievance.selectors import mask_name

__all__ = ["mask_name"]
