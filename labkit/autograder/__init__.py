"""The hardened Gradescope autograder that labkit.harden ships in every lab's zip (run from source/labkit_autograder/).

supervise.py  entry point: time and memory limits, hidden tests off disk, always a results.json
worker.py     runs the submission cell by cell in a kernel, then the pristine tests; writes results.json
results.py    scores the case outcomes against the pristine tests; results.json in Otter's format
harness.py    kernel side: snapshot and restore of torch/numpy/builtins/otter, seeding, test execution
"""
