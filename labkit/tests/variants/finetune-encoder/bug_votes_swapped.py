# Bug: label 0 counted for Madison and label 1 for Hamilton.
def paper_votes(papers, predictions):
    votes = {}
    for paper, label in zip(papers, predictions.tolist()):
        counts = votes.setdefault(paper, {"Hamilton": 0, "Madison": 0})
        counts["Madison" if label == 0 else "Hamilton"] += 1
    for counts in votes.values():
        h, m = counts["Hamilton"], counts["Madison"]
        counts["verdict"] = "Hamilton" if h > m else "Madison" if m > h else "tie"
    return votes
