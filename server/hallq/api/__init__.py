"""The HTTP and websocket face of HallQ: thin routes over the domain modules."""

from hallq.api.app import create_app

__all__ = ["create_app"]
