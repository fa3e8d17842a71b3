"""jupyter_server config of an ordinary user's server under JupyterHub: Voilà only (nyttolib.serve.hub says
what and why). `python -m nyttolib.serve.hub` starts jupyterhub-singleuser with this file."""

from nyttolib.serve.hub import installed_extensions, voila_only_config

c = get_config()  # noqa: F821 - traitlets defines it for config files
c.merge(voila_only_config(installed_extensions()))
