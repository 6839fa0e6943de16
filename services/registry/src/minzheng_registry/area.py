"""Moved to the kit: ``minzheng_eventstore.areas``. Kept as an alias only while the veterans
service's areas, written against it, move to the kit's module."""

from minzheng_eventstore.areas import Area, Publish, merged

__all__ = ["Area", "Publish", "merged"]
