"""The portfolio office's page: its widget-free state, its tables as HTML and its charts."""
