file(REMOVE_RECURSE
  "CMakeFiles/own_data.dir/examples/own_data.c.o"
  "CMakeFiles/own_data.dir/examples/own_data.c.o.d"
  "own_data"
  "own_data.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/own_data.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
