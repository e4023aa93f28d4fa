"""The hardened Gradescope autograder that labkit.authoring.harden ships in every lab's zip as the package
labkit_autograder (source/labkit_autograder/, run with source/ first on sys.path; its modules import each other
relatively).

supervise.py  entry point: student account, time limit, kills the account's processes, then writes results.json
worker.py     runs the submission cell by cell in a sandboxed kernel, then the tests here, against proxies
results.py    scores the case outcomes against the pristine tests; results.json in Otter's format
entries.py    results.json's vocabulary (entry names), also read by the instructor side (labkit.grading.submission,
              check, ...)
testing.py    runs the test cases in the worker, against proxies of the notebook's variables
controls.py   grading rules applied in the student's kernel ("NumPy only"), which tests reach through labtest
channel.py    the wire between the trusted worker and the student's kernel: values by copy, objects as proxies
sandbox.py    the student's account, and the kernel launcher that drops to it
"""
