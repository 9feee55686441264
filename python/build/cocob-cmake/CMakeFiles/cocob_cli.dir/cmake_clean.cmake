file(REMOVE_RECURSE
  "CMakeFiles/cocob_cli.dir/tools/cocob/bench.c.o"
  "CMakeFiles/cocob_cli.dir/tools/cocob/bench.c.o.d"
  "CMakeFiles/cocob_cli.dir/tools/cocob/devices.c.o"
  "CMakeFiles/cocob_cli.dir/tools/cocob/devices.c.o.d"
  "CMakeFiles/cocob_cli.dir/tools/cocob/env.c.o"
  "CMakeFiles/cocob_cli.dir/tools/cocob/env.c.o.d"
  "CMakeFiles/cocob_cli.dir/tools/cocob/help.c.o"
  "CMakeFiles/cocob_cli.dir/tools/cocob/help.c.o.d"
  "CMakeFiles/cocob_cli.dir/tools/cocob/main.c.o"
  "CMakeFiles/cocob_cli.dir/tools/cocob/main.c.o.d"
  "CMakeFiles/cocob_cli.dir/tools/cocob/monitor.c.o"
  "CMakeFiles/cocob_cli.dir/tools/cocob/monitor.c.o.d"
  "CMakeFiles/cocob_cli.dir/tools/cocob/output.c.o"
  "CMakeFiles/cocob_cli.dir/tools/cocob/output.c.o.d"
  "CMakeFiles/cocob_cli.dir/tools/cocob/predict.c.o"
  "CMakeFiles/cocob_cli.dir/tools/cocob/predict.c.o.d"
  "CMakeFiles/cocob_cli.dir/tools/cocob/stop.c.o"
  "CMakeFiles/cocob_cli.dir/tools/cocob/stop.c.o.d"
  "CMakeFiles/cocob_cli.dir/tools/cocob/train.c.o"
  "CMakeFiles/cocob_cli.dir/tools/cocob/train.c.o.d"
  "CMakeFiles/cocob_cli.dir/tools/cocob/tune.c.o"
  "CMakeFiles/cocob_cli.dir/tools/cocob/tune.c.o.d"
  "CMakeFiles/cocob_cli.dir/tools/cocob/verify.c.o"
  "CMakeFiles/cocob_cli.dir/tools/cocob/verify.c.o.d"
  "cocob"
  "cocob.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/cocob_cli.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
