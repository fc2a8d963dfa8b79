"""ATENSI service providers (sentra/balai/loka, UPTD, LKS), their service bases and services: the
directory used for resource mapping and referrals.
"""
