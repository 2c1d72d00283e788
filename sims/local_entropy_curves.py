"""Local entropy around the solutions each algorithm finds, against the bound H(d) (binary perceptron).

The study lives in wfm.studies.local_entropy_curves;
``python sims/local_entropy_curves.py --help`` lists the options.
"""
import sys

from wfm.studies.local_entropy_curves import main

if __name__ == "__main__":
    sys.exit(main())
