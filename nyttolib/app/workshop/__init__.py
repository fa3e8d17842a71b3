"""The workshop pages: a participant answering, and the facilitator's view."""
