"""Public bodies and the people at them that campaigns write to."""
