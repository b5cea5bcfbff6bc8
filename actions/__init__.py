"""Custom Rasa actions. Thin adapters: each reads the tracker and calls into ``bot``.

``python -m rasa_sdk --actions actions`` imports every submodule of this package.
"""
