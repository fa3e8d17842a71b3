"""Exports: the beslutsunderlag as HTML/PDF, the nyttokalkyl as xlsx, charts, batch export, file names."""
