"""`python -m bot.cli ...` runs the `bot` command."""

import sys

from bot.cli import main

sys.exit(main())
