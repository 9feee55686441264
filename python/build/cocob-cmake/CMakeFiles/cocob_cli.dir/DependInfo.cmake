
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/tools/cocob/bench.c" "CMakeFiles/cocob_cli.dir/tools/cocob/bench.c.o" "gcc" "CMakeFiles/cocob_cli.dir/tools/cocob/bench.c.o.d"
  "/work/main/tools/cocob/devices.c" "CMakeFiles/cocob_cli.dir/tools/cocob/devices.c.o" "gcc" "CMakeFiles/cocob_cli.dir/tools/cocob/devices.c.o.d"
  "/work/main/tools/cocob/env.c" "CMakeFiles/cocob_cli.dir/tools/cocob/env.c.o" "gcc" "CMakeFiles/cocob_cli.dir/tools/cocob/env.c.o.d"
  "/work/main/tools/cocob/help.c" "CMakeFiles/cocob_cli.dir/tools/cocob/help.c.o" "gcc" "CMakeFiles/cocob_cli.dir/tools/cocob/help.c.o.d"
  "/work/main/tools/cocob/main.c" "CMakeFiles/cocob_cli.dir/tools/cocob/main.c.o" "gcc" "CMakeFiles/cocob_cli.dir/tools/cocob/main.c.o.d"
  "/work/main/tools/cocob/monitor.c" "CMakeFiles/cocob_cli.dir/tools/cocob/monitor.c.o" "gcc" "CMakeFiles/cocob_cli.dir/tools/cocob/monitor.c.o.d"
  "/work/main/tools/cocob/output.c" "CMakeFiles/cocob_cli.dir/tools/cocob/output.c.o" "gcc" "CMakeFiles/cocob_cli.dir/tools/cocob/output.c.o.d"
  "/work/main/tools/cocob/predict.c" "CMakeFiles/cocob_cli.dir/tools/cocob/predict.c.o" "gcc" "CMakeFiles/cocob_cli.dir/tools/cocob/predict.c.o.d"
  "/work/main/tools/cocob/stop.c" "CMakeFiles/cocob_cli.dir/tools/cocob/stop.c.o" "gcc" "CMakeFiles/cocob_cli.dir/tools/cocob/stop.c.o.d"
  "/work/main/tools/cocob/train.c" "CMakeFiles/cocob_cli.dir/tools/cocob/train.c.o" "gcc" "CMakeFiles/cocob_cli.dir/tools/cocob/train.c.o.d"
  "/work/main/tools/cocob/tune.c" "CMakeFiles/cocob_cli.dir/tools/cocob/tune.c.o" "gcc" "CMakeFiles/cocob_cli.dir/tools/cocob/tune.c.o.d"
  "/work/main/tools/cocob/verify.c" "CMakeFiles/cocob_cli.dir/tools/cocob/verify.c.o" "gcc" "CMakeFiles/cocob_cli.dir/tools/cocob/verify.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/main/python/build/cocob-cmake/CMakeFiles/cocob_cli_args.dir/DependInfo.cmake"
  "/work/main/python/build/cocob-cmake/CMakeFiles/cocob_static.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
