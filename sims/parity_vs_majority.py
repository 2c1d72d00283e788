"""A device without wide flat minima (parity output) beside one with them (majority output).

The study lives in wfm.studies.parity_vs_majority;
``python sims/parity_vs_majority.py --help`` lists the options.
"""
import sys

from wfm.studies.parity_vs_majority import main

if __name__ == "__main__":
    sys.exit(main())
