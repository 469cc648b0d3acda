"""Evidence: the search index over everything received (and sent), and the coding of what it says."""
