"""Live events: a small pub/sub interface (memory or Redis) and the hub that orders and fans them out."""

from hallq.live.backends import Backend, backend_for_url
from hallq.live.hub import Hub, Subscription

__all__ = ["Backend", "Hub", "Subscription", "backend_for_url"]
