file(REMOVE_RECURSE
  "CMakeFiles/cocob_cli_args.dir/tools/cocob/flags.c.o"
  "CMakeFiles/cocob_cli_args.dir/tools/cocob/flags.c.o.d"
  "CMakeFiles/cocob_cli_args.dir/tools/cocob/optimizer_flags.c.o"
  "CMakeFiles/cocob_cli_args.dir/tools/cocob/optimizer_flags.c.o.d"
  "CMakeFiles/cocob_cli_args.dir/tools/cocob/train_args.c.o"
  "CMakeFiles/cocob_cli_args.dir/tools/cocob/train_args.c.o.d"
  "libcocob_cli_args.a"
  "libcocob_cli_args.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/cocob_cli_args.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
