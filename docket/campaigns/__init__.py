"""Campaigns: one letter template sent to many recipients, each asked for named items."""
