"""Local energy of the solutions each algorithm finds, at equal load (binary perceptron).

The study lives in wfm.studies.local_energy_curves;
``python sims/local_energy_curves.py --help`` lists the options.
"""
import sys

from wfm.studies.local_energy_curves import main

if __name__ == "__main__":
    sys.exit(main())
