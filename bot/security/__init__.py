"""Security building blocks shared by the channels and the stores: secret keys, signed session
tokens, rate limits. Standard library only at import time (both environments import it)."""
