from .operations import Heartbeat

__all__ = ["Heartbeat"]
