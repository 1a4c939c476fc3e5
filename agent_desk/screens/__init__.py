"""Screens: the agent's call screen (and, later, supervisor and trainer screens)."""
