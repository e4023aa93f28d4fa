"""Grading and checks on the instructor's machine: each runs a lab's autograder zip as Gradescope would.

submission.py   grade one submission with a zip in a Gradescope-shaped folder (`python -m labkit grade-one`)
batch.py        make grade, make answers, make grade-bench: a folder of submissions -> gradebook.csv, report.html
report.py       report.html and the written answers' pages
similarity.py   make similarity: pairs of submissions sharing code; disguise.py: the copies it is measured on
check.py        make check: solution full marks, blank 0, leak scan, committed labs/ and tests/ fresh
gradescope.py   make gradescope-check: under Gradescope's memory, CPU and capabilities
setup_check.py  make setup-check: the zip's own setup.sh in a fresh Debian root
colab.py        Colab's package list and a local stand-in for its runtime (make colab-env)
bench.py        make bench: time of each solution notebook and of grading it
"""
