"""Alur: SOP-driven case management for Indonesian civil-registration offices."""
