"""``python -m podpub``."""

import sys

from podpub.cli import main

sys.exit(main())
