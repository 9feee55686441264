file(REMOVE_RECURSE
  "CMakeFiles/least_squares.dir/examples/least_squares.c.o"
  "CMakeFiles/least_squares.dir/examples/least_squares.c.o.d"
  "least_squares"
  "least_squares.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/least_squares.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
