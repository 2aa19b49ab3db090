"""Dumoulin, Shlens & Kudlur 2017: one network, conditional instance norm, N built-in
styles."""
