"""``python -m supervisor_event_store.mcp [--http] [--host H] [--port P]``."""

import sys

from .server import main

sys.exit(main())
