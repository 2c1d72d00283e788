"""Energy-only searches against their local-entropy twins: success probability against alpha.

The study lives in wfm.studies.greedy_vs_entropic;
``python sims/greedy_vs_entropic.py --help`` lists the options.
"""
import sys

from wfm.studies.greedy_vs_entropic import main

if __name__ == "__main__":
    sys.exit(main())
