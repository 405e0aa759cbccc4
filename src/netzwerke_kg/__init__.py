"""netzwerke-kg: the knowledge graph of Rostock's international city networks."""

__version__ = "0.1.0"
