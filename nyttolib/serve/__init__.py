"""Serving the app: the local Voilà server and the workshop server."""
