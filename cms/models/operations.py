from django.db import models


class Heartbeat(models.Model):
    """The last time a periodic job proved that beat and a worker are both alive."""

    source = models.CharField(max_length=50, unique=True)
    beat_at = models.DateTimeField()
    hostname = models.CharField(max_length=255, blank=True)

    def __str__(self) -> str:
        return f"{self.source} at {self.beat_at:%Y-%m-%d %H:%M:%S}"
