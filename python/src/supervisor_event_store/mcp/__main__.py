"""``python -m supervisor_event_store.mcp [--http] [--host H] [--port P] [--dsn URL] [--read-dsn URL]``:
the same as ``event-store mcp``."""

import sys

from ..cli import main

sys.exit(main(["mcp", *sys.argv[1:]]))
