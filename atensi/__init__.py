"""ATENSI case management (Permensos 7/2021): intake, the seven stages, supervision, conferences,
services, termination, reports.
"""
