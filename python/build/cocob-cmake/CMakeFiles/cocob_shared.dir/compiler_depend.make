# Empty compiler generated dependencies file for cocob_shared.
# This may be replaced when dependencies are built.
