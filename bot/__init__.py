"""Switchboard: the logic of a self-hosted customer-support assistant.

Everything in this package is plain Python that imports on Python 3.10 (Rasa
environment) and 3.11 (ML environment). Heavy dependencies are imported only by
the modules that need them.
"""

__version__ = "0.1.0"
