"""``python -m app`` starts Switchboard (the composition root lives in app.cli/app.startup)."""

import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main())
