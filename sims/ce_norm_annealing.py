"""CE SGD with norm annealing: flatness of the minima reached by each norm schedule and baseline.

The study lives in wfm.studies.ce_norm_annealing;
``python sims/ce_norm_annealing.py --help`` lists the options.
"""
import sys

from wfm.studies.ce_norm_annealing import main

if __name__ == "__main__":
    sys.exit(main())
