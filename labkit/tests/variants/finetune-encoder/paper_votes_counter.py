# Correct: one Counter per paper.
def paper_votes(papers, predictions):
    counters = {}
    for paper, label in zip(papers, predictions):
        counters.setdefault(paper, Counter())[AUTHORS[int(label)]] += 1
    votes = {}
    for paper, counter in counters.items():
        hamilton, madison = counter["Hamilton"], counter["Madison"]
        verdict = "tie" if hamilton == madison else max(("Hamilton", hamilton), ("Madison", madison), key=lambda x: x[1])[0]
        votes[paper] = {"Hamilton": hamilton, "Madison": madison, "verdict": verdict}
    return votes
