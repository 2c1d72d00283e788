"""Finite-size study: the algorithmic threshold of focusing AMP and focusing BP against N.

The study lives in wfm.studies.finite_size;
``python sims/finite_size.py --help`` lists the options.
"""
import sys

from wfm.studies.finite_size import main

if __name__ == "__main__":
    sys.exit(main())
