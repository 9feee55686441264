# Empty compiler generated dependencies file for toy_abs.
# This may be replaced when dependencies are built.
