"""``lstm-sim bench``: speed and memory figures, each a median over repeated runs."""
