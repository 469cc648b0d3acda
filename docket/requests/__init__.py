"""Requests: one per campaign recipient, its states, named actions, deadlines and events."""
