"""Pekerja sosial, TKS, relawan, penyuluh and other professionals; certificates; assignments to
providers and regions.
"""
