"""Offline capture of the DTKS household visit: the XLSForm for ODK/Kobo, parsing of their
exported submissions, and Kesos's own signed work packages. Plain functions, no database."""
