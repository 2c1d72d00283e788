"""Replica local-entropy curves of the binary perceptron at several loads (no simulation).

The study lives in wfm.studies.local_entropy_theory;
``python sims/local_entropy_theory.py --help`` lists the options.
"""
import sys

from wfm.studies.local_entropy_theory import main

if __name__ == "__main__":
    sys.exit(main())
