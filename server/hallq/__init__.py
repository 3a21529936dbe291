"""HallQ: queue numbers for service halls."""

__version__ = "0.1.0"
