file(REMOVE_RECURSE
  "libcocob_cli_args.a"
)
