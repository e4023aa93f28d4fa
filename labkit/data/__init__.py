"""Data and models, on the instructor's machine (`make data`, `make models`): each lab's recipe turns raw
public-domain texts into data/build/<lab>/.

raw.py       the registry of raw texts: downloaded or copied from a mirror, verified, cached in data/raw/
pipeline.py  runs each recipe's data and model stages, skipping the fresh ones
stamps.py    content-hash stamps that skip a stage (or a build) whose inputs did not change
recipes/     one package per lab that needs data or models
"""
