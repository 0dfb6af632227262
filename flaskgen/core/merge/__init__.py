"""regen's pure decisions: which files and blocks a spec change moved (identity rules)."""
