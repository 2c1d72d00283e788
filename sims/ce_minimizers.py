"""Local entropy and local energy around the solutions of cross-entropy annealing (binary perceptron).

The study lives in wfm.studies.ce_minimizers;
``python sims/ce_minimizers.py --help`` lists the options.
"""
import sys

from wfm.studies.ce_minimizers import main

if __name__ == "__main__":
    sys.exit(main())
