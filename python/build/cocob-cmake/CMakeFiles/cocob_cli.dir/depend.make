# Empty dependencies file for cocob_cli.
# This may be replaced when dependencies are built.
