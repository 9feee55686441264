file(REMOVE_RECURSE
  "libcocob.a"
  "libcocob.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/cocob_static.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
