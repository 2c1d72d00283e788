"""Phase diagram: success probability of learning algorithms against the load alpha.

The study lives in wfm.studies.phase_diagram;
``python sims/phase_diagram.py --help`` lists the options.
"""
import sys

from wfm.studies.phase_diagram import main

if __name__ == "__main__":
    sys.exit(main())
