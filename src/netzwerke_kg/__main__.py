"""`python -m netzwerke_kg` runs the command-line interface."""

from netzwerke_kg.cli import main

raise SystemExit(main())
