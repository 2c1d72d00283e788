"""Reparametrization: which flatness measures survive the rescaling symmetry of ReLU networks?

The study lives in wfm.studies.reparametrization;
``python sims/reparametrization.py --help`` lists the options.
"""
import sys

from wfm.studies.reparametrization import main

if __name__ == "__main__":
    sys.exit(main())
