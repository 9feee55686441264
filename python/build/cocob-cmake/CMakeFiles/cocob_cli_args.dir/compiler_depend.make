# Empty compiler generated dependencies file for cocob_cli_args.
# This may be replaced when dependencies are built.
