"""Sentra Kreasi ATENSI (Permensos 7/2021 art. 1; seed 002): units at a sentra/balai, their
facilities and partners; participants, their businesses, training, sales and job placements;
outcomes per unit, region and year.
"""
