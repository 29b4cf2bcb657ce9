"""Scripts that make the weights of the shipped presets (NumPy only, never Qt; not run by the app).

``sine_predictor`` trains a small LSTM with :func:`simulator.engine.backward.backward`;
``sentence_preset`` builds the hand-designed weights of the ``sentence`` preset from the
built-in vocabulary.
"""
