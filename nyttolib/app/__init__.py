"""The Voilà app: widgets that present and edit the model. Notebooks only compose these."""
