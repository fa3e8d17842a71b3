"""Checklists (the ten good advice, a digital agenda's contents, "Är det ett projekt?" …) as data files,
answered per organisation and date, compared over time and exported."""
