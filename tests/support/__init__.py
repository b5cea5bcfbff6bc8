"""Helpers shared by tests: real servers on free ports, HTTP calls. Standard library only."""
