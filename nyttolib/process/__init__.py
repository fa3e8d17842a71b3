"""The path from a need to a decided project, and its roles, as content (data/content/process.yaml).

`load_process()` gives the process the municipality has chosen; `position()` says where an
initiative stands on it and what the next step and its role are.
"""

from nyttolib.process.loading import PROCESS_FILE, load_process, load_process_file
from nyttolib.process.model import Process, ProcessFile, ProcessTexts, Reached, Role, Step
from nyttolib.process.position import Position, PositionFacts, position

__all__ = [
    "PROCESS_FILE",
    "Position",
    "PositionFacts",
    "Process",
    "ProcessFile",
    "ProcessTexts",
    "Reached",
    "Role",
    "Step",
    "load_process",
    "load_process_file",
    "position",
]
