# Empty compiler generated dependencies file for cocob_objects.
# This may be replaced when dependencies are built.
