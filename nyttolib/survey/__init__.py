"""Maturity-analysis workshops: questionnaires as data files, answers, and their compilation.

Plain Python (no widgets): the engine, the statistics and the store are used from the Voilà pages,
from JupyterLab and from tests alike.
"""
