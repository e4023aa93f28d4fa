# Stub: one entry per paper with the right keys, counting no vote.
def paper_votes(papers, predictions):
    return {paper: {"Hamilton": 0, "Madison": 0, "verdict": "tie"} for paper in papers}
