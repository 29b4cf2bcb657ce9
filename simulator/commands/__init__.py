"""The headless commands behind ``lstm-sim``: one module each."""
