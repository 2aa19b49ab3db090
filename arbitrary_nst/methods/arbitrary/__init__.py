"""Ghiasi, Lee, Kudlur, Dumoulin & Shlens 2017: a style prediction network feeding the
conditional instance norms of a transformer."""
