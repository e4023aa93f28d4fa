# Stub: dicts of the right keys and types, counting nothing.
def class_counts(labels):
    return {"Hamilton": 0, "Madison": 0}

split_sizes = {"train": 1, "validation": 1, "test": 1, "disputed": 1}
