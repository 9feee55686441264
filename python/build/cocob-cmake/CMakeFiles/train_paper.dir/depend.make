# Empty dependencies file for train_paper.
# This may be replaced when dependencies are built.
