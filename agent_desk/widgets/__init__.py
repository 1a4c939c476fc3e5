"""Reusable widgets of the call screen, grouped by screen area."""
