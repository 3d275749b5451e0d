"""The HTTP service and the web page: `qa serve` runs `app_from_env`, tests build `create_app`.

May import every stage; nothing but qa.cli imports it.
"""

from qa.service.app import app_from_env, create_app

__all__ = ["app_from_env", "create_app"]
