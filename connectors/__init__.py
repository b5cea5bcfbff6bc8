"""Rasa custom input channels. They only translate between a channel and Rasa."""
