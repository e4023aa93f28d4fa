# Bug: counts papers instead of passages.
split_sizes = {name: len({p["paper"] for p in items}) for name, items in passages.items()}
