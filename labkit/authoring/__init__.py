"""Authoring, on the instructor's machine: a master notebook becomes what ships (`make`, `make student-repo`).

master.py      the master notebook (Otter Assign format) read in one place: config, questions, blocks, tests
setup_cell.py  the setup cell every student notebook starts with, from the lab's recipe and course.toml
course.py      course.toml: where each lab's student repository, data and Colab link live
lock.py        the Gradescope image's locked environment (every package pinned with its sha256)
harden.py      puts labkit/autograder/ into the zip Otter wrote, with labkit's setup.sh and run_autograder
build.py       make: labs/<lab>/, tests/<lab>/ and dist/<lab>/<lab>-autograder.zip from solutions/<lab>/
labs.py        make labs: every lab at a glance
figures.py     make figures: the solution notebooks' tagged plots
publish.py     make student-repo, make publish-check: the lab's public repository
"""
