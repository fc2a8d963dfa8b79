"""Posyandu Lansia: posts per village/RW with their volunteers, elderly members, monthly
sessions with attendance and services, risk flags referred to ATENSI or to PKH's elderly
component; reports per post and region.
"""
