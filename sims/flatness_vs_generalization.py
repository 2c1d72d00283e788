"""Flatness against generalization: do flatter zero-training-error minima generalize better?

The study lives in wfm.studies.flatness_vs_generalization;
``python sims/flatness_vs_generalization.py --help`` lists the options.
"""
import sys

from wfm.studies.flatness_vs_generalization import main

if __name__ == "__main__":
    sys.exit(main())
