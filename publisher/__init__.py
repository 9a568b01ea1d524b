"""kyodo-lod: a linked-open-data publisher for a city's collaborative town-building data."""

__version__ = "0.1.0"
