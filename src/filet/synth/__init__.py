"""Synthetic world generator (public API filled in below)."""
