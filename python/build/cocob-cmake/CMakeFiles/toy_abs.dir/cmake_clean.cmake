file(REMOVE_RECURSE
  "CMakeFiles/toy_abs.dir/examples/toy_abs.c.o"
  "CMakeFiles/toy_abs.dir/examples/toy_abs.c.o.d"
  "toy_abs"
  "toy_abs.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/toy_abs.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
