file(REMOVE_RECURSE
  "CMakeFiles/train_paper.dir/examples/train_paper.c.o"
  "CMakeFiles/train_paper.dir/examples/train_paper.c.o.d"
  "train_paper"
  "train_paper.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/train_paper.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
