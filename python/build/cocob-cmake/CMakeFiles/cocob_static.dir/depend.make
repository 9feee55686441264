# Empty dependencies file for cocob_static.
# This may be replaced when dependencies are built.
