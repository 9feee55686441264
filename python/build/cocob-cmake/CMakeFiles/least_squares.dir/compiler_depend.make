# Empty compiler generated dependencies file for least_squares.
# This may be replaced when dependencies are built.
