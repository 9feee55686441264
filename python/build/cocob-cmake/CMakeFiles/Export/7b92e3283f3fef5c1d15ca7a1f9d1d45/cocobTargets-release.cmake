#----------------------------------------------------------------
# Generated CMake target import file for configuration "Release".
#----------------------------------------------------------------

# Commands may need to know the format version.
set(CMAKE_IMPORT_FILE_VERSION 1)

# Import target "cocob::cocob_static" for configuration "Release"
set_property(TARGET cocob::cocob_static APPEND PROPERTY IMPORTED_CONFIGURATIONS RELEASE)
set_target_properties(cocob::cocob_static PROPERTIES
  IMPORTED_LINK_INTERFACE_LANGUAGES_RELEASE "C"
  IMPORTED_LOCATION_RELEASE "${_IMPORT_PREFIX}/lib/libcocob.a"
  )

list(APPEND _cmake_import_check_targets cocob::cocob_static )
list(APPEND _cmake_import_check_files_for_cocob::cocob_static "${_IMPORT_PREFIX}/lib/libcocob.a" )

# Import target "cocob::cocob" for configuration "Release"
set_property(TARGET cocob::cocob APPEND PROPERTY IMPORTED_CONFIGURATIONS RELEASE)
set_target_properties(cocob::cocob PROPERTIES
  IMPORTED_LINK_DEPENDENT_LIBRARIES_RELEASE "clblast"
  IMPORTED_LOCATION_RELEASE "${_IMPORT_PREFIX}/lib/libcocob.so.0.1.0"
  IMPORTED_SONAME_RELEASE "libcocob.so.0"
  )

list(APPEND _cmake_import_check_targets cocob::cocob )
list(APPEND _cmake_import_check_files_for_cocob::cocob "${_IMPORT_PREFIX}/lib/libcocob.so.0.1.0" )

# Commands beyond this point should not need to know the version.
set(CMAKE_IMPORT_FILE_VERSION)
