file(REMOVE_RECURSE
  "libcocob.pdb"
  "libcocob.so"
  "libcocob.so.0"
  "libcocob.so.0.1.0"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/cocob_shared.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
