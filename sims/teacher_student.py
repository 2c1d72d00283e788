"""Teacher-student: generalization error of BP/AMP inference against alpha, with RS theory.

The study lives in wfm.studies.teacher_student;
``python sims/teacher_student.py --help`` lists the options.
"""
import sys

from wfm.studies.teacher_student import main

if __name__ == "__main__":
    sys.exit(main())
