file(REMOVE_RECURSE
  "libcocob.a"
)
