"""nyttolib: assess digitalisation initiatives, calculate and plan their benefits.

The core (model, content, calculations, storage) is plain Python: importing the package pulls in no
widget, pandas or nbconvert module, so the command line and tests start fast.
"""

__version__ = "0.1.0"

import logging as _logging

# Refusals and database errors are logged under "nyttolib"; the server and the pages decide where to.
_logging.getLogger("nyttolib").addHandler(_logging.NullHandler())
