"""LSTM Gate Simulator: the inside of an LSTM cell, made visible."""

__version__ = "0.1.0"
