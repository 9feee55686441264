# Empty compiler generated dependencies file for own_data.
# This may be replaced when dependencies are built.
