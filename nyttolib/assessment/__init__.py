"""The assessment of one initiative.

Model, migrations, validation, calculations, rules, completeness, summary and documents: plain Python.
"""
