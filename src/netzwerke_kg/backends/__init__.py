"""Where SPARQL gets answered: ``create_backend(settings)`` picks embedded or remote."""

from __future__ import annotations

from netzwerke_kg.backends.base import Backend
from netzwerke_kg.config import Settings


def create_backend(settings: Settings) -> Backend:
    """The remote backend when ``settings.endpoint`` is set, else the embedded pyoxigraph store."""
    if settings.endpoint:
        from netzwerke_kg.backends.remote import RemoteBackend

        return RemoteBackend(settings)
    from netzwerke_kg.backends.embedded import EmbeddedBackend

    return EmbeddedBackend(settings)
