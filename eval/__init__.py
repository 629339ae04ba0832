"""Accuracy evaluations on the development sets in ../shared/data/dev."""
