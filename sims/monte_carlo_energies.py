"""SA and RSA on the error count and on the flip count: success probability against alpha.

The study lives in wfm.studies.monte_carlo_energies;
``python sims/monte_carlo_energies.py --help`` lists the options.
"""
import sys

from wfm.studies.monte_carlo_energies import main

if __name__ == "__main__":
    sys.exit(main())
