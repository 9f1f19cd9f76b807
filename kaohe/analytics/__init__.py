"""Integrity analytics: checks a cycle's own data for leniency, straight-lining, bloc voting, thin samples,
verdicts that hang on a weight and disagreement, before the committee decides.

Plain Python and numpy, no Django (like ``kaohe/rules``): ``analyse(CycleData, k=…)`` → ``Report``. It reads
closed sessions' ballots as unordered lists of marks, with nothing that links a ballot to a rater, and no
finding shows a figure computed from fewer than k ballots.
"""
