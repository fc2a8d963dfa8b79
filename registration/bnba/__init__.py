"""The by-name-by-address (BNBA) list of the DTKS update: layout, templates, parsing and
export, as plain functions over bytes and dicts (no database)."""
