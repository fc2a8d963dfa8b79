"""Civil-registry (Dukcapil) reference: extract imports, NIK-verification adapters, matching
(pemadanan) results.
"""
