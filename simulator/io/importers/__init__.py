"""Readers of trained models, one module per family of file formats.

Each reader returns a :class:`simulator.io.models.Model` and raises
:class:`simulator.io.LoadError` for a bad file; :func:`simulator.io.load_model`
chooses the reader by the file's suffix and turns any other error a library
raises into a :class:`~simulator.io.LoadError` too.
"""
