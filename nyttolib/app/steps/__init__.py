"""One module per step of the guided form; each builds its view from the session it edits."""
