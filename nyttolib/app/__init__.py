"""The widgets: the only layer that imports ipywidgets. Every page imports this package first, so in a
Voilà kernel the server's details (tracebacks, paths) stay in the log file, never on the page, and the
store's refusals reach the server's log."""

from nyttolib.app.kernel_output import keep_details_in_log, log_refusals_to_server

keep_details_in_log()
log_refusals_to_server()
