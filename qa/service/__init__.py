"""The HTTP service and the web page: `qa serve` runs `app_from_env`, tests build `create_app`."""

from qa.service.app import app_from_env, create_app

__all__ = ["app_from_env", "create_app"]
