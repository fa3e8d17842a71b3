"""The widgets: the only layer that imports ipywidgets. Every page imports this package first, so in a
Voilà kernel the server's details (tracebacks, paths) stay in the log file, never on the page."""

from nyttolib.app.kernel_output import keep_details_in_log

keep_details_in_log()
