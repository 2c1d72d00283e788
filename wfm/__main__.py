"""``python -m wfm``: the ``wfm`` command line (:func:`wfm.cli.main`)."""
import sys

from wfm.cli import main

sys.exit(main())
